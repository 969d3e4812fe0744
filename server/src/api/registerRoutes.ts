import {
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  type ProtocolVersionRange,
} from '@porchlight/protocol';
import type { HttpApp, HttpRequest } from '../http/HttpServer.ts';
import type { Principal } from '../identity/authorization/Principal.ts';
import { PorchlightError } from '../errors.ts';
import type { ApiContext } from './ApiContext.ts';
import { refusedProtocol } from './protocolVersion.ts';
import type { ApiRoute, RouteSteps } from './Route.ts';

/** Turns a bearer credential (access token, device token or API key) into a principal. */
export interface Authenticator {
  authenticate(bearer: string, options?: { duringPasswordChange?: boolean }): Promise<Principal>;
}

function bearerOf(req: HttpRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(h);
  return m?.[1];
}

/**
 * Registers the route table: authenticate -> validate params -> authorize -> validate query and
 * body -> handler. Denials are audited. One place, so no route can skip a step. A request whose
 * `Porchlight-Protocol` header is outside `protocolVersions` is refused first (400, with the
 * refusal in `error.protocol`); every answer carries the server's version in that header.
 */
export function registerRoutes(
  app: HttpApp,
  routes: readonly ApiRoute[],
  ctx: ApiContext,
  auth: Authenticator,
  protocolVersions: Readonly<ProtocolVersionRange> = SUPPORTED_PROTOCOL_VERSIONS,
): void {
  // Raw JPEG bodies (detection snapshots) arrive as a Buffer for the route's schema to check;
  // the route's bodyLimit caps them (413 beyond).
  if (routes.some((r) => r.bodyType === 'image/jpeg') && !app.hasContentTypeParser('image/jpeg'))
    app.addContentTypeParser('image/jpeg', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );
  for (const def of routes) {
    app.route({
      method: def.method,
      url: def.path,
      ...(def.bodyLimit !== undefined ? { bodyLimit: def.bodyLimit } : {}),
      handler: async (req, reply) => {
        reply.header(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
        const refusal = refusedProtocol(req.headers[PROTOCOL_HEADER], protocolVersions);
        if (refusal !== undefined)
          return reply.status(400).send({
            error: { code: 'BAD_REQUEST', message: refusal.message, protocol: refusal },
          });
        const steps: RouteSteps = {
          authenticate: async (options) => {
            const bearer = bearerOf(req);
            if (!bearer) throw PorchlightError.unauthorized('missing bearer credential');
            return auth.authenticate(bearer, options);
          },
          authenticateVisitor: async () => {
            const bearer = bearerOf(req);
            if (!bearer) throw PorchlightError.unauthorized('missing visitor credential');
            return ctx.doorbell.authenticateVisitor(bearer);
          },
          authorize: async (principal, action, resource) => {
            if (ctx.authorizer.decide(principal, action, resource).allowed) return;
            await ctx.audit.record({
              principal,
              action,
              resource,
              outcome: 'denied',
              ip: req.ip,
              detail: { route: `${def.method} ${def.path}` },
            });
            throw PorchlightError.forbidden(`not allowed: ${action}`);
          },
        };
        const result = await def.run(
          {
            params: req.params,
            query: req.query,
            body: req.body,
            ip: req.ip,
            userAgent: req.headers['user-agent'],
            headers: req.headers,
            setCookie: (cookie) => {
              const prior = reply.getHeader('set-cookie');
              const all = prior === undefined ? [] : Array.isArray(prior) ? prior : [String(prior)];
              reply.header('set-cookie', [...all, cookie]);
            },
          },
          steps,
          ctx,
        );
        reply.status(def.status);
        reply.header('cache-control', 'no-store');
        if (def.produces !== undefined) {
          reply.header('content-type', def.produces);
          return reply.send(result);
        }
        return def.status === 204 ? reply.send() : result;
      },
    });
  }
}
