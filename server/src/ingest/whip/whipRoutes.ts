import {
  WHEP_LAYER_REL,
  WHIP_MAX_SDP_BYTES,
  WhepLayerRequest,
  WhepQuery,
  WhipContentType,
  WhipDeviceParams,
  WhipPaths,
  WhipSessionParams,
} from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import type { z } from 'zod';
import { PorchlightError } from '../../errors.ts';
import type { HttpApp, HttpReply, HttpRequest } from '../../http/HttpServer.ts';
import { iceServerLinks } from './linkHeaders.ts';
import { WhepSession } from './WhepSession.ts';
import { WhipError, whipErrorReply } from './WhipError.ts';
import type { AnySession, Caller, SessionKind, WhipIngest } from './WhipIngest.ts';

const logger = createLogger('whipRoutes');

/** Headers every answer of these endpoints carries (CORS: auth is by bearer token only). */
const CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Location, ETag, Link, Accept-Post, Accept-Patch',
};

/**
 * The WHIP/WHEP HTTP surface (RFC 9725; paths in @porchlight/protocol's whip.ts): SDP and
 * sdpfrag bodies, CORS preflights, 405s, and every error as `{ error: { code, message } }`.
 */
export function registerWhipRoutes(http: HttpApp, ingest: WhipIngest): void {
  // Own scope: its body parsers and CORS hook touch these routes only, and fastify's own answers
  // here (415 for an unknown type, 413 too large) carry the CORS headers too.
  void http.register(async (app: HttpApp) => routes(app, ingest));
}

function routes(app: HttpApp, ingest: WhipIngest): void {
  app.addHook('onSend', async (_req, reply) => {
    reply.headers(CORS);
  });
  app.addContentTypeParser(
    [WhipContentType.sdp, WhipContentType.sdpFrag],
    { parseAs: 'string', bodyLimit: WHIP_MAX_SDP_BYTES },
    (_req, body, done) => done(null, body),
  );
  for (const kind of ['whip', 'whep'] as const) {
    const endpoint = kind === 'whip' ? WhipPaths.whip : WhipPaths.whep;
    const session = kind === 'whip' ? WhipPaths.whipSession : WhipPaths.whepSession;
    app.post(endpoint, (req, reply) => run(reply, () => post(ingest, kind, req, reply)));
    app.options(endpoint, (_req, reply) => options(reply, 'OPTIONS, POST', 'accept-post'));
    app.route({
      method: ['GET', 'PUT', 'PATCH', 'DELETE'],
      url: endpoint,
      handler: (_req, reply) => notAllowed(reply, 'OPTIONS, POST'),
    });
    app.patch(session, (req, reply) => run(reply, () => patch(ingest, kind, req, reply)));
    app.delete(session, (req, reply) =>
      run(reply, async () => {
        (await ingest.owned(kind, sessionId(req), bearer(req))).s.close();
        return reply.status(200).headers(CORS).send();
      }),
    );
    app.options(session, (_req, reply) => options(reply, 'OPTIONS, PATCH, DELETE', 'accept-patch'));
    app.route({
      method: ['GET', 'PUT', 'POST'],
      url: session,
      handler: (_req, reply) => notAllowed(reply, 'OPTIONS, PATCH, DELETE'),
    });
  }
  app.post(WhipPaths.whepLayer, (req, reply) =>
    run(reply, async () => {
      if (contentType(req) !== WhipContentType.json) throw WhipError.mediaType('application/json');
      await ingest.selectLayer(sessionId(req), bearer(req), parse(WhepLayerRequest, req.body));
      return reply.status(204).headers(CORS).send();
    }),
  );
  app.options(WhipPaths.whepLayer, (_req, reply) => options(reply, 'OPTIONS, POST'));
}

async function run(reply: HttpReply, fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return await fn();
  } catch (error) {
    const r = whipErrorReply(error);
    if (r.internal) logger.error('WHIP/WHEP request failed', { error });
    return reply.status(r.status).headers(CORS).send(r.body);
  }
}

function options(
  reply: HttpReply,
  allow: string,
  accept?: 'accept-post' | 'accept-patch',
): HttpReply {
  reply.status(204).headers(CORS).header('allow', allow);
  reply.header('access-control-allow-methods', 'OPTIONS, POST, PATCH, DELETE');
  reply.header('access-control-allow-headers', 'Authorization, Content-Type, If-Match, ETag');
  reply.header('access-control-max-age', '600');
  if (accept === 'accept-post') reply.header('accept-post', WhipContentType.sdp);
  if (accept === 'accept-patch') reply.header('accept-patch', WhipContentType.sdpFrag);
  return reply.send();
}

function notAllowed(reply: HttpReply, allow: string): HttpReply {
  const r = whipErrorReply(WhipError.methodNotAllowed());
  return reply.status(405).headers(CORS).header('allow', allow).send(r.body);
}

function bearer(req: HttpRequest): string {
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
  if (!m) throw PorchlightError.unauthorized('Authorization: Bearer <token> required');
  return m[1]!;
}

function contentType(req: HttpRequest): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The text body, if it came with the expected content type (else 415). */
function textBody(req: HttpRequest, expected: string): string {
  if (contentType(req) !== expected || typeof req.body !== 'string')
    throw WhipError.mediaType(expected);
  return req.body;
}

function sessionId(req: HttpRequest): string {
  return parse(WhipSessionParams, req.params).sessionId;
}

function header(req: HttpRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

async function post(
  ingest: WhipIngest,
  kind: SessionKind,
  req: HttpRequest,
  reply: HttpReply,
): Promise<unknown> {
  const { deviceId } = parse(WhipDeviceParams, req.params);
  const caller: Caller = { bearer: bearer(req), ip: req.ip, userAgent: header(req, 'user-agent') };
  const sdp = (): string => textBody(req, WhipContentType.sdp);
  const entry: AnySession =
    kind === 'whip'
      ? await ingest.publish(deviceId, caller, sdp)
      : await ingest.view(deviceId, caller, sdp, parse(WhepQuery, req.query ?? {}).layer);
  const base = kind === 'whip' ? WhipPaths.whipSession : WhipPaths.whepSession;
  const links = iceServerLinks(ingest.iceServers(entry));
  if (entry.s instanceof WhepSession && entry.s.hasLayers)
    links.push(
      `<${WhipPaths.whepLayer.replace(':sessionId', entry.s.id)}>; rel="${WHEP_LAYER_REL}"`,
    );
  reply.status(201).headers(CORS);
  reply.header('content-type', WhipContentType.sdp);
  reply.header('location', base.replace(':sessionId', entry.s.id));
  reply.header('etag', entry.s.etag);
  reply.header('cache-control', 'no-store');
  if (links.length > 0) reply.header('link', links.join(', '));
  return reply.send(entry.s.answer);
}

async function patch(
  ingest: WhipIngest,
  kind: SessionKind,
  req: HttpRequest,
  reply: HttpReply,
): Promise<unknown> {
  const entry = await ingest.owned(kind, sessionId(req), bearer(req));
  const body = textBody(req, WhipContentType.sdpFrag);
  // A stray `ETag` request header (some clients) stands for If-Match.
  const result = await entry.s.patch(body, header(req, 'if-match') ?? header(req, 'etag'));
  reply.headers(CORS);
  if (result.status === 204) return reply.status(204).send();
  reply.status(200).header('content-type', WhipContentType.sdpFrag).header('etag', result.etag);
  return reply.send(result.body);
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw PorchlightError.badRequest(
    `${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`,
  );
}
