import {
  WHEP_LAYER_REL,
  WHIP_MAX_SDP_BYTES,
  WhepLayerRequest,
  WhepQuery,
  WhipContentType,
  WhipDeviceParams,
  WhipPaths,
  WhipSessionParams,
  type IceServer,
} from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import type { z } from 'zod';
import { PorchlightError } from '../../errors.ts';
import type { HttpApp, HttpReply, HttpRequest } from '../../http/HttpServer.ts';
import type { AuditLog } from '../../identity/audit/AuditLog.ts';
import type { Authorizer } from '../../identity/authorization/Authorizer.ts';
import type { Principal } from '../../identity/authorization/Principal.ts';
import { deviceResource } from '../../identity/authorization/resources.ts';
import type { DeviceRegistry } from '../../identity/devices/DeviceRegistry.ts';
import type { IdentityEvents } from '../../identity/IdentityEvents.ts';
import type { RoomRegistry } from '../../media/RoomRegistry.ts';
import type { WorkerPool } from '../../media/WorkerPool.ts';
import type { Device } from '../../store/repositories/DeviceRepository.ts';
import { iceServerLinks } from './linkHeaders.ts';
import { parseSdp } from './sdp.ts';
import { WhepSession } from './WhepSession.ts';
import { WhipError, whipErrorReply } from './WhipError.ts';
import { WhipSession } from './WhipSession.ts';

const logger = createLogger('WhipIngest');

/** Publish sessions per device (a camera re-publishing replaces nothing: it is one more peer). */
const MAX_WHIP_PER_DEVICE = 2;
/** Viewer sessions per device through WHEP. */
const MAX_WHEP_PER_DEVICE = 32;

export interface WhipIngestDeps {
  authenticate: (bearer: string) => Promise<Principal>;
  authorizer: Pick<Authorizer, 'can' | 'refresh'>;
  devices: { get(id: string): Promise<Device | null> };
  rooms: RoomRegistry;
  pool: WorkerPool;
  registry: Pick<DeviceRegistry, 'online' | 'offline' | 'bitrate'>;
  audit: Pick<AuditLog, 'record'>;
  events: IdentityEvents;
  iceServers: (principal: Principal, siteId: string) => { iceServers: IceServer[] };
  /** How often a publisher's bitrate is written to the device registry (as for socket cameras). */
  deviceStatsIntervalMs: number;
  initialOutgoingBitrate: number;
}

type AnySession =
  | { kind: 'whip'; s: WhipSession; principal: Principal }
  | {
      kind: 'whep';
      s: WhepSession;
      principal: Principal;
    };

/** Headers every answer of these endpoints carries (CORS: auth is by bearer token only). */
const CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Location, ETag, Link, Accept-Post, Accept-Patch',
};

/**
 * WHIP ingest and WHEP playback over HTTP (docs/whip-whep.md): authenticates the bearer, checks
 * the device permission, keeps the live sessions, and ends them on DELETE, on revocation, or
 * when their media goes.
 */
export class WhipIngest {
  readonly #d: WhipIngestDeps;
  readonly #sessions = new Map<string, AnySession>();
  #closed = false;

  constructor(deps: WhipIngestDeps) {
    this.#d = deps;
    deps.events.on('principalChanged', () => void this.#reauthorize());
  }

  /** Live sessions (tests, monitoring). */
  get sessions(): ReadonlyMap<string, AnySession> {
    return this.#sessions;
  }

  register(app: HttpApp): void {
    const asText = (_req: unknown, body: string, done: (e: Error | null, b?: string) => void) =>
      done(null, body);
    app.addContentTypeParser(
      [WhipContentType.sdp, WhipContentType.sdpFrag],
      { parseAs: 'string', bodyLimit: WHIP_MAX_SDP_BYTES },
      asText,
    );
    for (const kind of ['whip', 'whep'] as const) {
      const endpoint = kind === 'whip' ? WhipPaths.whip : WhipPaths.whep;
      const session = kind === 'whip' ? WhipPaths.whipSession : WhipPaths.whepSession;
      app.post(endpoint, (req, reply) => this.#run(reply, () => this.#post(kind, req, reply)));
      app.options(endpoint, (_req, reply) => this.#options(reply, 'endpoint'));
      app.route({
        method: ['GET', 'PUT', 'PATCH', 'DELETE'],
        url: endpoint,
        handler: (_req, reply) => this.#notAllowed(reply, 'OPTIONS, POST'),
      });
      app.patch(session, (req, reply) => this.#run(reply, () => this.#patch(kind, req, reply)));
      app.delete(session, (req, reply) => this.#run(reply, () => this.#delete(kind, req, reply)));
      app.options(session, (_req, reply) => this.#options(reply, 'session'));
      app.route({
        method: ['GET', 'PUT', 'POST'],
        url: session,
        handler: (_req, reply) => this.#notAllowed(reply, 'OPTIONS, PATCH, DELETE'),
      });
    }
    app.post(WhipPaths.whepLayer, (req, reply) => this.#run(reply, () => this.#layer(req, reply)));
    app.options(WhipPaths.whepLayer, (_req, reply) => this.#options(reply, 'layer'));
  }

  async #run(reply: HttpReply, fn: () => Promise<unknown>): Promise<unknown> {
    try {
      return await fn();
    } catch (error) {
      const r = whipErrorReply(error);
      if (r.internal) logger.error('WHIP/WHEP request failed', { error });
      return reply.status(r.status).headers(CORS).send(r.body);
    }
  }

  #options(reply: HttpReply, what: 'endpoint' | 'session' | 'layer'): HttpReply {
    const allow =
      what === 'endpoint'
        ? 'OPTIONS, POST'
        : what === 'layer'
          ? 'OPTIONS, POST'
          : 'OPTIONS, PATCH, DELETE';
    reply.status(204).headers(CORS).header('allow', allow);
    reply.header('access-control-allow-methods', 'OPTIONS, POST, PATCH, DELETE');
    reply.header(
      'access-control-allow-headers',
      'Authorization, Content-Type, If-Match, ETag, If-None-Match',
    );
    reply.header('access-control-max-age', '600');
    if (what === 'endpoint') reply.header('accept-post', WhipContentType.sdp);
    if (what === 'session') reply.header('accept-patch', WhipContentType.sdpFrag);
    return reply.send();
  }

  #notAllowed(reply: HttpReply, allow: string): HttpReply {
    const r = whipErrorReply(WhipError.methodNotAllowed());
    return reply.status(405).headers(CORS).header('allow', allow).send(r.body);
  }

  async #principal(req: HttpRequest): Promise<Principal> {
    const auth = req.headers.authorization;
    const m = typeof auth === 'string' ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
    if (!m) throw PorchlightError.unauthorized('Authorization: Bearer <token> required');
    return this.#d.authenticate(m[1]!);
  }

  /** The device and whether `principal` may `action` it; unknown devices are 403 too. */
  async #authorize(
    principal: Principal,
    deviceId: string,
    action: 'stream:publish' | 'stream:view-live',
  ): Promise<Device> {
    const device = /^[A-Za-z0-9_-]{1,64}$/.test(deviceId)
      ? await this.#d.devices.get(deviceId)
      : null;
    const allowed =
      device !== null &&
      device.revokedAt === null &&
      (action !== 'stream:publish' || principal.kind !== 'device' || principal.id === device.id) &&
      this.#d.authorizer.can(principal, action, deviceResource(device.siteId, device.id));
    if (!device || !allowed) {
      const verb = action === 'stream:publish' ? 'publish as' : 'watch';
      throw PorchlightError.forbidden(`not allowed to ${verb} this device`);
    }
    return device;
  }

  #checkType(req: HttpRequest, expected: string): string {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== expected || typeof req.body !== 'string') throw WhipError.mediaType(expected);
    return req.body;
  }

  async #post(kind: 'whip' | 'whep', req: HttpRequest, reply: HttpReply): Promise<unknown> {
    if (this.#closed) throw PorchlightError.unavailable('shutting down');
    const { deviceId } = parse(WhipDeviceParams, req.params);
    const principal = await this.#principal(req);
    const action = kind === 'whip' ? 'stream:publish' : 'stream:view-live';
    const device = await this.#authorize(principal, deviceId, action);
    const sdp = this.#checkType(req, WhipContentType.sdp);
    const offer = parseSdp(sdp);
    const count = [...this.#sessions.values()].filter(
      (x) => x.kind === kind && x.s.deviceId === deviceId,
    ).length;
    if (count >= (kind === 'whip' ? MAX_WHIP_PER_DEVICE : MAX_WHEP_PER_DEVICE))
      throw PorchlightError.conflict(`too many ${kind.toUpperCase()} sessions for this device`);
    const room = await this.#d.rooms.getOrCreate(device.siteId);
    let session: WhipSession | WhepSession;
    if (kind === 'whip') {
      const whip = await WhipSession.create({
        room,
        deviceId,
        label: device.name,
        offer,
        can: (a, r) => this.#d.authorizer.can(principal, a, r),
      });
      this.#track({ kind, s: whip, principal });
      this.#publisherOnline(whip, req);
      session = whip;
    } else {
      const query = parse(WhepQuery, req.query ?? {});
      const whep = await WhepSession.create({
        room,
        slot: await this.#d.pool.acquire(),
        deviceId,
        offer,
        layer: query.layer,
        initialOutgoingBitrate: this.#d.initialOutgoingBitrate,
      });
      this.#track({ kind, s: whep, principal });
      void this.#d.audit.record({
        principal,
        action: 'stream.view-live',
        resource: deviceResource(device.siteId, deviceId),
        outcome: 'success',
        ip: req.ip,
        detail: { via: 'whep' },
      });
      session = whep;
    }
    const base = kind === 'whip' ? WhipPaths.whipSession : WhipPaths.whepSession;
    const location = base.replace(':sessionId', session.id);
    const links = iceServerLinks(this.#d.iceServers(principal, device.siteId).iceServers);
    if (session instanceof WhepSession && session.hasLayers)
      links.push(
        `<${WhipPaths.whepLayer.replace(':sessionId', session.id)}>; rel="${WHEP_LAYER_REL}"`,
      );
    reply.status(201).headers(CORS);
    reply.header('content-type', WhipContentType.sdp);
    reply.header('location', location);
    reply.header('etag', session.etag);
    reply.header('cache-control', 'no-store');
    if (links.length > 0) reply.header('link', links.join(', '));
    return reply.send(session.answer);
  }

  #track(entry: AnySession): void {
    this.#sessions.set(entry.s.id, entry);
    entry.s.once('close', () => this.#sessions.delete(entry.s.id));
  }

  /** A publisher shows as the device online, with its bitrate, like a socket camera. */
  #publisherOnline(session: WhipSession, req: HttpRequest): void {
    const id = session.deviceId;
    const ua = req.headers['user-agent'];
    void this.#d.registry.online(id, {
      address: req.ip,
      userAgent: (typeof ua === 'string' ? ua : '').slice(0, 256) || 'WHIP',
    });
    const timer = setInterval(() => void sample(), this.#d.deviceStatsIntervalMs);
    timer.unref();
    const sample = async (): Promise<void> => {
      let bps = 0;
      try {
        for (const p of session.producers) for (const s of await p.getStats()) bps += s.bitrate;
      } catch {
        return; // A producer closed mid-sample.
      }
      if (!session.closed) await this.#d.registry.bitrate(id, bps);
    };
    session.once('close', () => {
      clearInterval(timer);
      void this.#d.registry.offline(id);
    });
  }

  #session(kind: 'whip' | 'whep', params: unknown): AnySession {
    const { sessionId } = parse(WhipSessionParams, params);
    const entry = this.#sessions.get(sessionId);
    if (!entry || entry.kind !== kind) throw PorchlightError.notFound('session');
    return entry;
  }

  /** Only who created a session may change or end it (same principal kind and id). */
  async #owned(kind: 'whip' | 'whep', req: HttpRequest): Promise<AnySession> {
    const principal = await this.#principal(req);
    const entry = this.#session(kind, req.params);
    if (entry.principal.kind !== principal.kind || entry.principal.id !== principal.id)
      throw PorchlightError.forbidden('not your session');
    return entry;
  }

  async #patch(kind: 'whip' | 'whep', req: HttpRequest, reply: HttpReply): Promise<unknown> {
    const entry = await this.#owned(kind, req);
    const body = this.#checkType(req, WhipContentType.sdpFrag);
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const result = await entry.s.patch(body, header('if-match') ?? header('etag'));
    reply.headers(CORS);
    if (result.status === 204) return reply.status(204).send();
    reply.status(200).header('content-type', WhipContentType.sdpFrag).header('etag', result.etag);
    return reply.send(result.body);
  }

  async #delete(kind: 'whip' | 'whep', req: HttpRequest, reply: HttpReply): Promise<unknown> {
    const entry = await this.#owned(kind, req);
    entry.s.close();
    return reply.status(200).headers(CORS).send();
  }

  async #layer(req: HttpRequest, reply: HttpReply): Promise<unknown> {
    const entry = await this.#owned('whep', req);
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== WhipContentType.json) throw WhipError.mediaType(WhipContentType.json);
    const body = parse(WhepLayerRequest, req.body);
    await (entry.s as WhepSession).selectLayer(body);
    return reply.status(204).headers(CORS).send();
  }

  /** A revoked device or narrowed grant ends what it may no longer do. */
  async #reauthorize(): Promise<void> {
    for (const entry of [...this.#sessions.values()]) {
      let ok = true;
      try {
        const fresh = await this.#d.authorizer.refresh(entry.principal);
        entry.principal = fresh;
        const action = entry.kind === 'whip' ? 'stream:publish' : 'stream:view-live';
        await this.#authorize(fresh, entry.s.deviceId, action);
      } catch {
        ok = false;
      }
      if (!ok) {
        logger.info('session no longer authorized, closing', {
          kind: entry.kind,
          deviceId: entry.s.deviceId,
        });
        entry.s.close();
      }
    }
  }

  close(): void {
    this.#closed = true;
    for (const entry of [...this.#sessions.values()]) entry.s.close();
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw PorchlightError.badRequest(
    `${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`,
  );
}
