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
  type RequestName,
  type RequestOf,
  type ServerToClientEvents,
} from '@porchlight/protocol';
import type { Identity } from '../auth/TokenService.ts';
import { PorchlightError, toWireError } from '../errors.ts';
import { Peer } from '../media/Peer.ts';
import type { Room } from '../media/Room.ts';
import type { RoomRegistry } from '../media/RoomRegistry.ts';
import { Logger } from '../util/Logger.ts';
import { handlers } from './handlers.ts';
import { RateLimiter } from './RateLimiter.ts';

const logger = new Logger('SignalingSession');

export type PorchlightSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

export interface SocketData {
  identity: Identity;
}

export interface SessionDeps {
  rooms: RoomRegistry;
  iceServers: (identity: Identity) => IceServer[];
  joinTimeoutMs: number;
}

/**
 * One authenticated socket. Every incoming event goes through `#dispatch`: unknown names,
 * invalid payloads and rate overruns are answered with an error ack and never reach the SFU.
 */
export class SignalingSession {
  readonly #socket: PorchlightSocket;
  readonly #identity: Identity;
  readonly #deps: SessionDeps;
  readonly #limiter = new RateLimiter(Limits.requestsPerSecond, Limits.requestsPerSecond * 2);
  #joined: { peer: Peer; room: Room } | undefined;
  #joining = false;
  #closed = false;
  readonly #joinTimer: NodeJS.Timeout;
  readonly #expiryTimer: NodeJS.Timeout | undefined;

  constructor(socket: PorchlightSocket, deps: SessionDeps) {
    this.#socket = socket;
    this.#identity = socket.data.identity;
    this.#deps = deps;
    socket.onAny((event: string, ...args: unknown[]) => void this.#dispatch(event, args));
    socket.on('disconnect', () => this.close());
    this.#joinTimer = setTimeout(() => {
      if (!this.#joined) socket.disconnect(true);
    }, deps.joinTimeoutMs);
    // A session never outlives its token.
    const msLeft = this.#identity.expiresAt * 1000 - Date.now();
    if (msLeft < 2 ** 31 - 1)
      this.#expiryTimer = setTimeout(() => socket.disconnect(true), Math.max(0, msLeft));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#joinTimer);
    clearTimeout(this.#expiryTimer);
    if (this.#joined) this.#joined.room.leave(this.#joined.peer);
    this.#joined = undefined;
  }

  async #dispatch(event: string, args: unknown[]): Promise<void> {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (res: Ack<unknown>) => void) : undefined;
    const reply = (res: Ack<unknown>): void => {
      if (ack) ack(res);
    };
    const fail = (code: ErrorCode, message: string): void =>
      reply({ ok: false, error: { code, message } });

    if (!this.#limiter.take()) return fail(ErrorCode.RateLimited, 'too many requests');
    if (!isRequestName(event)) {
      logger.debug('unknown event', { event: event.slice(0, 64), peer: this.#joined?.peer.id });
      return fail(ErrorCode.UnknownEvent, `unknown event "${event.slice(0, 64)}"`);
    }
    if (!ack) return; // Every request needs an ack; one without cannot be answered, so it is dropped.
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
      reply({ ok: true, data });
    } catch (error) {
      reply({
        ok: false,
        error: toWireError(error, (e) => logger.error('request failed', { event, error: e })),
      });
    }
  }

  async #handle<K extends RequestName>(event: K, req: RequestOf<K>): Promise<unknown> {
    if (this.#closed) throw PorchlightError.unavailable('session closed');
    if (event === 'join') return this.#join(req as RequestOf<'join'>);
    if (!this.#joined) throw PorchlightError.conflict('join first');
    const handler = handlers[event as Exclude<RequestName, 'join'>] as (
      ctx: { peer: Peer; room: Room },
      r: unknown,
    ) => Promise<unknown>;
    return handler(this.#joined, req);
  }

  async #join(req: RequestOf<'join'>): Promise<JoinResponse> {
    if (this.#joined || this.#joining) throw PorchlightError.conflict('already joined');
    this.#joining = true;
    try {
      const id = this.#identity;
      const room = await this.#deps.rooms.getOrCreate(id.siteId);
      await room.ready();
      if (this.#closed) throw PorchlightError.unavailable('session closed');
      const peer = new Peer({
        id: randomUUID(),
        siteId: id.siteId,
        role: id.role,
        label: req.label ?? id.label ?? (id.role === 'camera' ? 'Camera' : 'Viewer'),
        notify: (name, payload) => {
          (this.#socket.emit as (n: string, p: unknown) => boolean)(name, payload);
        },
      });
      const producers = room.join(peer);
      this.#joined = { peer, room };
      clearTimeout(this.#joinTimer);
      return {
        peerId: peer.id,
        siteId: id.siteId,
        role: id.role,
        routerRtpCapabilities: room.rtpCapabilities,
        iceServers: this.#deps.iceServers(id),
        producers,
      };
    } finally {
      this.#joining = false;
    }
  }
}
