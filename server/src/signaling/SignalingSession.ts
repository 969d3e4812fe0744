import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io';
import {
  ErrorCode,
  Limits,
  RequestSchemas,
  isRequestName,
  type Ack,
  type ClientToServerEvents,
  type IceServer,
  type JoinResponse,
  type NotificationMap,
  type NotificationName,
  type RequestName,
  type RequestOf,
  type ServerToClientEvents,
} from '@porchlight/protocol';
import type { Authorizer } from '../identity/authorization/Authorizer.ts';
import { nextWindowEdge } from '../identity/authorization/evaluate.ts';
import type { Principal } from '../identity/authorization/Principal.ts';
import { deviceResource, siteResource } from '../identity/authorization/resources.ts';
import { PorchlightError, toWireError } from '../errors.ts';
import type { AuditLog } from '../identity/audit/AuditLog.ts';
import type { DeviceRegistry } from '../identity/devices/DeviceRegistry.ts';
import { Peer } from '../media/Peer.ts';
import type { Room } from '../media/Room.ts';
import type { RoomRegistry } from '../media/RoomRegistry.ts';
import type { SiteRepository } from '../store/repositories/SiteRepository.ts';
import { createLogger } from '@porchlight/runtime';
import { handlers, type HandlerContext } from './handlers.ts';
import { RateLimiter } from './RateLimiter.ts';
import type { CallJoinPort } from './callJoin.ts';

const logger = createLogger('SignalingSession');

export type PorchlightSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/** Reports each request once answered: its name ("unknown" if not one) and error code, if any. */
export type RequestReport = (type: RequestName | 'unknown', error: ErrorCode | undefined) => void;

export interface SocketData {
  principal: Principal;
}

export interface SessionDeps {
  rooms: RoomRegistry;
  authorizer: Authorizer;
  sites: Pick<SiteRepository, 'list'>;
  registry: DeviceRegistry;
  audit: Pick<AuditLog, 'record'>;
  /** ICE servers for a principal on a site, with the expiry of their TURN credentials. */
  iceServers: (
    principal: Principal,
    siteId: string,
  ) => { iceServers: IceServer[]; expiresAt?: number };
  joinTimeoutMs: number;
  deviceStatsIntervalMs: number;
  /** Doorbell call rooms (`join` with `callId`); without it such joins are refused. */
  calls?: CallJoinPort;
  /** Usage metering (server/src/ops/usage); absent: nothing is counted. */
  usage?: SignalingUsage;
  /** False while the node drains: joins are refused (retryable) so clients go elsewhere. */
  accepting?: () => boolean;
}

/** What signaling reports to usage metering. */
export interface SignalingUsage {
  /** A device's channel opened on its site; the returned function closes it. */
  channelOpened(siteId: string, deviceId: string): () => void;
  /** One request handled on a site; `deviceId` '' for people and API keys. */
  message(siteId: string, deviceId: string): void;
}

/**
 * One authenticated socket. Every incoming event goes through `#dispatch`: unknown names,
 * invalid payloads and rate overruns are answered with an error ack and never reach the SFU.
 * The principal is re-read from the store when identity changes (`reauthorize`): a revoked
 * device or person is disconnected, a narrowed grant closes what is no longer allowed.
 */
export class SignalingSession {
  readonly #socket: PorchlightSocket;
  readonly #deps: SessionDeps;
  readonly #report: RequestReport;
  readonly #limiter = new RateLimiter(Limits.requestsPerSecond, Limits.requestsPerSecond * 2);
  #principal: Principal;
  #joined: { peer: Peer; room: Room } | undefined;
  #joining = false;
  #closed = false;
  readonly #joinTimer: NodeJS.Timeout;
  #windowTimer: NodeJS.Timeout | undefined;
  #statsTimer: NodeJS.Timeout | undefined;
  #closeChannel: (() => void) | undefined;

  constructor(socket: PorchlightSocket, deps: SessionDeps, report: RequestReport = () => {}) {
    this.#socket = socket;
    this.#report = report;
    this.#principal = socket.data.principal;
    this.#deps = deps;
    socket.onAny((event: string, ...args: unknown[]) => void this.#dispatch(event, args));
    socket.on('disconnect', () => this.close());
    this.#joinTimer = setTimeout(() => {
      if (!this.#joined) socket.disconnect(true);
    }, deps.joinTimeoutMs);
    this.#armWindowTimer();
  }

  get principal(): Principal {
    return this.#principal;
  }

  /** Sends a server notification to this socket (doorbell calls). */
  notify<K extends NotificationName>(name: K, payload: NotificationMap[K]): void {
    if (this.#closed) return;
    (this.#socket.emit as (n: string, p: unknown) => boolean)(name, payload);
  }

  /** Whether an identity change about `kind/id` concerns this session. */
  concerns(kind: Principal['kind'], id: string): boolean {
    const p = this.#principal;
    // A person's change also applies to the API keys acting for them.
    return (
      (p.kind === kind && p.id === id) ||
      (kind === 'account' && p.kind === 'apikey' && p.account.id === id)
    );
  }

  /** Re-reads the principal and enforces what it may still do. */
  async reauthorize(): Promise<void> {
    if (this.#closed) return;
    try {
      this.#principal = await this.#deps.authorizer.refresh(this.#principal);
    } catch (error) {
      logger.info('principal no longer valid, disconnecting', {
        socketId: this.#socket.id,
        kind: this.#principal.kind,
        id: this.#principal.id,
        reason: (error as Error).message,
      });
      this.#socket.disconnect(true);
      return;
    }
    this.#armWindowTimer();
    const joined = this.#joined;
    if (!joined) return;
    if (joined.room.callId === undefined && !this.#mayJoin(joined.room.siteId)) {
      logger.info('site access lost, disconnecting', {
        socketId: this.#socket.id,
        kind: this.#principal.kind,
        id: this.#principal.id,
        siteId: joined.room.siteId,
      });
      this.#socket.disconnect(true);
      return;
    }
    joined.room.revalidate(joined.peer);
    joined.room.refreshAccess(joined.peer);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#joinTimer);
    clearTimeout(this.#windowTimer);
    clearInterval(this.#statsTimer);
    this.#closeChannel?.();
    if (this.#joined) {
      this.#joined.room.leave(this.#joined.peer);
      if (this.#principal.kind === 'device') void this.#deps.registry.offline(this.#principal.id);
    }
    this.#joined = undefined;
  }

  /** Who watched which camera, and when (one entry per video consumer created). */
  #auditView(consumer: { producerId: string; kind: string }): void {
    const joined = this.#joined;
    if (!joined || consumer.kind !== 'video') return;
    // Undefined when the producer left in the meantime; remote producers are audited too.
    const deviceId = joined.room.producerView(consumer.producerId)?.appData.deviceId;
    if (deviceId === undefined) return;
    void this.#deps.audit.record({
      principal: this.#principal,
      action: 'stream.view-live',
      resource: deviceResource(joined.room.siteId, deviceId),
      outcome: 'success',
      ip: this.#socket.handshake.address,
    });
  }

  /** Publish bitrate of a camera (sum over its producers and layers) into the device registry. */
  async #sampleBitrate(deviceId: string, peer: Peer): Promise<void> {
    let bps = 0;
    try {
      for (const producer of peer.producers.values()) {
        for (const s of await producer.getStats()) bps += s.bitrate;
      }
    } catch {
      return; // A producer closed mid-sample; the next tick will tell.
    }
    if (!this.#closed) await this.#deps.registry.bitrate(deviceId, bps);
  }

  /** Grants with time windows: re-check when the next window opens or closes. */
  #armWindowTimer(): void {
    clearTimeout(this.#windowTimer);
    const edge = nextWindowEdge(this.#principal.statements, Date.now());
    if (edge === null) return;
    const delay = Math.min(edge - Date.now() + 50, 2 ** 31 - 1);
    this.#windowTimer = setTimeout(() => void this.reauthorize(), delay);
  }

  #mayJoin(siteId: string): boolean {
    const p = this.#principal;
    if (p.kind === 'device') {
      return (
        p.device.siteId === siteId &&
        this.#deps.authorizer.can(p, 'stream:publish', deviceResource(siteId, p.device.id))
      );
    }
    // The detector host joins the sites of its assigned cameras (it holds no site-wide right).
    if (p.kind === 'detector') return p.cameras.some((c) => c.siteId === siteId);
    return this.#deps.authorizer.can(p, 'site:read', siteResource(siteId));
  }

  async #dispatch(event: string, args: unknown[]): Promise<void> {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (res: Ack<unknown>) => void) : undefined;
    const type = isRequestName(event) ? event : 'unknown';
    const reply = (res: Ack<unknown>): void => {
      this.#report(type, res.ok ? undefined : res.error.code);
      if (ack) ack(res);
    };
    const fail = (code: ErrorCode, message: string): void =>
      reply({ ok: false, error: { code, message } });

    if (!this.#limiter.take()) return fail(ErrorCode.RateLimited, 'too many requests');
    if (!isRequestName(event)) {
      logger.debug('unknown event', {
        socketId: this.#socket.id,
        event: event.slice(0, 64),
        peer: this.#joined?.peer.id,
      });
      return fail(ErrorCode.UnknownEvent, `unknown event "${event.slice(0, 64)}"`);
    }
    if (!ack) {
      // Every request needs an ack; one without cannot be answered, so it is dropped.
      this.#report(type, undefined);
      return;
    }
    if (args.length !== 2) return fail(ErrorCode.BadRequest, 'expected exactly one payload object');
    const parsed = RequestSchemas[event].safeParse(args[0]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(
        ErrorCode.BadRequest,
        `${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    try {
      const data = await this.#handle(event, parsed.data);
      this.#countMessage();
      reply({ ok: true, data });
      if (event === 'consume') this.#auditView(data as { producerId: string; kind: string });
    } catch (error) {
      this.#countMessage();
      reply({
        ok: false,
        error: toWireError(error, (e) =>
          logger.error('request failed', { socketId: this.#socket.id, event, error: e }),
        ),
      });
    }
  }

  /** A valid request of a joined session is a signaling message of its site. */
  #countMessage(): void {
    const joined = this.#joined;
    if (joined) this.#deps.usage?.message(joined.room.siteId, joined.peer.deviceId ?? '');
  }

  async #handle<K extends RequestName>(event: K, req: RequestOf<K>): Promise<unknown> {
    if (this.#closed) throw PorchlightError.unavailable('session closed');
    if (event === 'join') {
      if (this.#deps.accepting?.() === false)
        throw PorchlightError.unavailable('this node is draining: reconnect to reach another');
      return this.#join(req as RequestOf<'join'>);
    }
    if (!this.#joined) throw PorchlightError.conflict('join first');
    const handler = handlers[event as Exclude<RequestName, 'join'>] as (
      ctx: HandlerContext,
      r: unknown,
    ) => Promise<unknown>;
    const { peer, room } = this.#joined;
    return handler(
      { peer, room, iceServers: () => this.#deps.iceServers(this.#principal, room.siteId) },
      req,
    );
  }

  /**
   * Enters a doorbell call's own room: the visitor's side as `visitor`, a homeowner who may answer
   * the door as `callee`. The room's end (the call's) ends this socket.
   */
  async #joinCall(callId: string, label: string | undefined): Promise<JoinResponse> {
    const calls = this.#deps.calls;
    if (!calls) throw PorchlightError.forbidden('calls are not available');
    const p = this.#principal;
    const where = await calls.join(p, callId);
    const room = await this.#deps.rooms.getOrCreateCall(where.siteId, where.guard);
    await room.ready();
    if (this.#closed) throw PorchlightError.unavailable('session closed');
    const peer = new Peer({
      id: randomUUID(),
      siteId: where.siteId,
      role: where.role,
      label: p.kind === 'account' ? p.account.displayName : (label ?? 'Visitor'),
      deviceId: undefined,
      accountId: p.kind === 'account' ? p.id : undefined,
      can: (action, resource) => this.#deps.authorizer.can(this.#principal, action, resource),
      notify: (name, payload) => {
        (this.#socket.emit as (n: string, p: unknown) => boolean)(name, payload);
      },
    });
    const producers = room.join(peer);
    this.#joined = { peer, room };
    clearTimeout(this.#joinTimer);
    room.once('close', () => this.#socket.disconnect(true));
    const ice = this.#deps.iceServers(p, where.siteId);
    return {
      peerId: peer.id,
      siteId: where.siteId,
      role: peer.role,
      label: peer.label,
      callId,
      routerRtpCapabilities: room.rtpCapabilities,
      iceServers: ice.iceServers,
      ...(ice.expiresAt !== undefined ? { iceServersExpiresAt: ice.expiresAt } : {}),
      producers,
    };
  }

  /** The site to join: a device's own; for people, the one asked for or their only one. */
  async #siteFor(req: RequestOf<'join'>): Promise<string> {
    const p = this.#principal;
    if (p.kind === 'device') {
      if (req.siteId !== undefined && req.siteId !== p.device.siteId)
        throw PorchlightError.forbidden('a device joins its own site');
      return p.device.siteId;
    }
    if (req.siteId !== undefined) return req.siteId;
    const sites = (await this.#deps.sites.list()).filter((s) => this.#mayJoin(s.id));
    if (sites.length === 1) return sites[0]!.id;
    if (sites.length === 0) throw PorchlightError.forbidden('no site available to this account');
    throw PorchlightError.badRequest('siteId is required: this account has several sites');
  }

  async #join(req: RequestOf<'join'>): Promise<JoinResponse> {
    if (this.#joined || this.#joining) throw PorchlightError.conflict('already joined');
    this.#joining = true;
    try {
      if (req.callId !== undefined) return await this.#joinCall(req.callId, req.label);
      const p = this.#principal;
      if (p.kind === 'visitor') throw PorchlightError.forbidden('a visitor joins its call only');
      const siteId = await this.#siteFor(req);
      if (!this.#mayJoin(siteId)) throw PorchlightError.forbidden('not allowed on this site');
      const room = await this.#deps.rooms.getOrCreate(siteId);
      await room.ready();
      if (this.#closed) throw PorchlightError.unavailable('session closed');
      const isDevice = p.kind === 'device';
      const peer = new Peer({
        id: randomUUID(),
        siteId,
        role: isDevice ? 'camera' : 'viewer',
        // A device is known by its registered name; a person by what they asked for.
        label: isDevice
          ? p.device.name
          : (req.label ??
            (p.kind === 'account'
              ? p.account.displayName
              : p.kind === 'apikey'
                ? p.key.name
                : p.kind === 'detector'
                  ? 'Detector (server)'
                  : 'Visitor')),
        deviceId: isDevice ? p.device.id : undefined,
        can: (action, resource) => this.#deps.authorizer.can(this.#principal, action, resource),
        notify: (name, payload) => {
          (this.#socket.emit as (n: string, p: unknown) => boolean)(name, payload);
        },
      });
      const producers = room.join(peer);
      this.#joined = { peer, room };
      clearTimeout(this.#joinTimer);
      if (isDevice) {
        this.#closeChannel = this.#deps.usage?.channelOpened(siteId, p.device.id);
        void this.#deps.registry.online(p.device.id, {
          address: this.#socket.handshake.address,
          userAgent: (this.#socket.handshake.headers['user-agent'] ?? '').slice(0, 256) || null,
          ...(req.firmware !== undefined ? { firmware: req.firmware } : {}),
        });
        this.#statsTimer = setInterval(
          () => void this.#sampleBitrate(p.device.id, peer),
          this.#deps.deviceStatsIntervalMs,
        );
      }
      const ice = this.#deps.iceServers(p, siteId);
      return {
        peerId: peer.id,
        siteId,
        role: peer.role,
        label: peer.label,
        routerRtpCapabilities: room.rtpCapabilities,
        iceServers: ice.iceServers,
        ...(ice.expiresAt !== undefined ? { iceServersExpiresAt: ice.expiresAt } : {}),
        producers,
      };
    } finally {
      this.#joining = false;
    }
  }
}
