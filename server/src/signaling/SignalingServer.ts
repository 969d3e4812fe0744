import type { Server as HttpsServer } from 'node:https';
import type { Server as HttpServer } from 'node:http';
import type { Http2SecureServer } from 'node:http2';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import {
  checkProtocolVersion,
  handshakeAuthSchema,
  Limits,
  SUPPORTED_PROTOCOL_VERSIONS,
  type ClientToServerEvents,
  type ProtocolVersionRange,
  type NotificationMap,
  type NotificationName,
  type ServerToClientEvents,
} from '@porchlight/protocol';
import { PorchlightError } from '../errors.ts';
import { unverifiedTyp, type Authenticator } from '../identity/authentication/Authenticator.ts';
import type { Principal } from '../identity/authorization/Principal.ts';
import type { IdentityEvents, PrincipalRef } from '../identity/IdentityEvents.ts';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import {
  SignalingSession,
  type RequestReport,
  type SessionDeps,
  type SocketData,
} from './SignalingSession.ts';

const logger = createLogger('SignalingServer');

export interface SignalingServerOptions extends SessionDeps {
  /** The app's server; an HTTP/2 one must allow HTTP/1.1 (the WebSocket upgrade needs it). */
  httpServer: HttpsServer | HttpServer | Http2SecureServer;
  authenticator: Pick<Authenticator, 'authenticate'>;
  /**
   * Doorbell visitor credentials (`typ: visitor`): the only credential the Authenticator refuses
   * that the socket accepts, and then only for `join` with its call. Default: refused.
   */
  authenticateVisitor?: (token: string) => Promise<Principal>;
  events: IdentityEvents;
  /**
   * Client protocol versions accepted at the handshake (a client that sends none is not
   * checked). Default SUPPORTED_PROTOCOL_VERSIONS; tests narrow it to play an older or newer
   * server.
   */
  protocolVersions?: ProtocolVersionRange;
  /**
   * Cluster mode: socket.io's Redis streams adapter on a duplicate of this client, so room emits
   * (notifications) reach sockets on every node. Default: none (one box, in-memory adapter).
   */
  cluster?: { redis: Redis; keyPrefix: string };
  /** socket.io's wait for a pong before it drops the socket (config signaling.pingTimeoutMs). */
  pingTimeoutMs?: number;
}

/** socket.io rooms, one per principal, that notifications are emitted to (on every node). */
export const principalRoom = {
  account: (id: string): string => `account:${id}`,
  device: (id: string): string => `device:${id}`,
  visitor: (callId: string): string => `visitor:${callId}`,
};

function roomOf(p: Principal): string | undefined {
  if (p.kind === 'account') return principalRoom.account(p.id);
  if (p.kind === 'device') return principalRoom.device(p.id);
  if (p.kind === 'visitor') return principalRoom.visitor(p.call.callId);
  return undefined;
}

export type SignalingServerEvents = {
  /** A socket passed the handshake. */
  connection: [];
  /** A socket request was answered (monitoring): its name and error code, if any. */
  request: Parameters<RequestReport>;
};

/**
 * socket.io endpoint. The handshake middleware authenticates before any event handler exists,
 * so no unauthenticated socket reaches the SFU. Identity changes re-authorize live sessions.
 */
export class SignalingServer extends EnhancedEventEmitter<SignalingServerEvents> {
  readonly io: Server<
    ClientToServerEvents,
    ServerToClientEvents,
    Record<string, never>,
    SocketData
  >;
  readonly #sessions = new Set<SignalingSession>();
  readonly #events: IdentityEvents;
  readonly #onPrincipalChanged = (who: PrincipalRef): void => {
    for (const s of this.#sessions) if (s.concerns(who.kind, who.id)) void s.reauthorize();
  };
  readonly #onDeviceRenamed: (renamed: { siteId: string; deviceId: string; name: string }) => void;
  readonly #adapterClient: Redis | undefined;
  #closed = false;
  #draining = false;

  constructor(options: SignalingServerOptions) {
    super();
    this.#events = options.events;
    this.#onDeviceRenamed = ({ siteId, deviceId, name }) =>
      options.rooms.rooms.get(siteId)?.renameDevice(deviceId, name);
    this.io = new Server(options.httpServer, {
      maxHttpBufferSize: Limits.maxMessageBytes,
      serveClient: false,
      pingInterval: 10_000,
      pingTimeout: options.pingTimeoutMs ?? 20_000,
      // No connection state recovery: the SDK rejoins (new transports) after any reconnect, so
      // replaying missed packets to a restored socket id would buy nothing (docs/deployment.md).
    });
    if (options.cluster) {
      // A client of our own for publishing (the adapter duplicates it again for its blocking
      // XREAD and pub/sub), so the cluster's command client never blocks.
      this.#adapterClient = options.cluster.redis.duplicate();
      this.#adapterClient.on('error', () => undefined);
      this.io.adapter(
        createAdapter(this.#adapterClient, {
          streamName: `${options.cluster.keyPrefix}socket.io`,
          channelPrefix: `${options.cluster.keyPrefix}socket.io`,
          sessionKeyPrefix: `${options.cluster.keyPrefix}sio:session:`,
          // Notifications are JSON: skip the binary scan of every packet.
          onlyPlaintext: true,
          // Bounds how long close() leaves the reader's blocking XREAD running.
          blockTimeInMs: 2_000,
        }),
      );
    }
    const versions = options.protocolVersions ?? SUPPORTED_PROTOCOL_VERSIONS;
    // Protocol version first: a client from another era is told why, whatever its token.
    this.io.use((socket, next) => {
      const parsed = handshakeAuthSchema.safeParse(socket.handshake.auth);
      const version = parsed.success ? parsed.data.protocol : undefined;
      const refusal = version === undefined ? undefined : checkProtocolVersion(version, versions);
      if (refusal === undefined) return next();
      logger.debug('handshake refused', {
        address: socket.handshake.address,
        reason: refusal.message,
      });
      next(Object.assign(new Error(`${refusal.code}: ${refusal.message}`), { data: refusal }));
    });
    // A draining node takes no new sockets: the client retries and the balancer picks another.
    this.io.use((_socket, next) => {
      if (!this.#draining) return next();
      const message = 'this node is draining: reconnect to reach another';
      next(
        Object.assign(new Error(`UNAVAILABLE: ${message}`), {
          data: { code: 'UNAVAILABLE', message },
        }),
      );
    });
    this.io.use((socket, next) => {
      const auth: unknown = socket.handshake.auth;
      const token =
        typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
      const visitor =
        options.authenticateVisitor !== undefined &&
        typeof token === 'string' &&
        unverifiedTyp(token) === 'visitor';
      (visitor
        ? options.authenticateVisitor!(token)
        : options.authenticator.authenticate(token)
      ).then(
        (principal) => {
          socket.data.principal = principal;
          next();
        },
        (error: unknown) => {
          const message = error instanceof PorchlightError ? error.message : 'unauthorized';
          if (!(error instanceof PorchlightError))
            logger.error('authentication failed unexpectedly', { error });
          logger.debug('handshake refused', { address: socket.handshake.address, reason: message });
          next(
            Object.assign(new Error(`UNAUTHORIZED: ${message}`), {
              data: { code: 'UNAUTHORIZED', message },
            }),
          );
        },
      );
    });
    const deps = { ...options, accepting: () => !this.#draining };
    this.io.on('connection', (socket) => {
      if (this.#closed) {
        socket.disconnect(true);
        return;
      }
      const session = new SignalingSession(socket, deps, (type, error) =>
        this.safeEmit('request', type, error),
      );
      this.#sessions.add(session);
      const principal = socket.data.principal;
      // Its principal's room: notifications are room emits, so they reach it from any node.
      const room = roomOf(principal);
      if (room !== undefined) void socket.join(room);
      // The socket id ties this socket's log lines together (a request id for sockets).
      logger.info('socket connected', { socketId: socket.id, kind: principal.kind });
      this.safeEmit('connection');
      socket.on('disconnect', (reason) => {
        this.#sessions.delete(session);
        logger.info('socket disconnected', { socketId: socket.id, reason });
      });
    });
    this.#events.on('principalChanged', this.#onPrincipalChanged);
    this.#events.on('deviceRenamed', this.#onDeviceRenamed);
  }

  /** A doorbell notification to every open socket of these accounts (joined or not), any node. */
  notifyAccounts<K extends NotificationName>(
    accountIds: readonly string[],
    name: K,
    payload: NotificationMap[K],
  ): void {
    if (accountIds.length === 0) return;
    this.#emit(accountIds.map(principalRoom.account), name, payload);
  }

  /** A notification to a device's own sockets (its detection settings changed), any node. */
  notifyDevice<K extends NotificationName>(
    deviceId: string,
    name: K,
    payload: NotificationMap[K],
  ): void {
    this.#emit([principalRoom.device(deviceId)], name, payload);
  }

  /** A doorbell notification to the visitor's sockets of one call, any node. */
  notifyVisitor<K extends NotificationName>(
    callId: string,
    name: K,
    payload: NotificationMap[K],
  ): void {
    this.#emit([principalRoom.visitor(callId)], name, payload);
  }

  #emit(rooms: string[], name: NotificationName, payload: unknown): void {
    if (this.#closed) return;
    (this.io.to(rooms).emit as (n: string, p: unknown) => boolean)(name, payload);
  }

  /**
   * Drain: refuses new sockets and joins from now on and tells every open socket to reconnect
   * (through the balancer, to another node) after a random delay up to `spreadMs`. Idempotent.
   */
  drain(reason: string, spreadMs: number): void {
    if (this.#closed || this.#draining) return;
    this.#draining = true;
    for (const s of this.#sessions)
      s.notify('reconnect', { reason, afterMs: Math.floor(Math.random() * spreadMs) });
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Disconnects the sockets still open (a drain that ran out of time). */
  disconnectAll(): void {
    this.io.disconnectSockets(true);
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Disconnects every socket and stops accepting new ones. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#events.off('principalChanged', this.#onPrincipalChanged);
    this.#events.off('deviceRenamed', this.#onDeviceRenamed);
    this.io.disconnectSockets(true);
    for (const s of this.#sessions) s.close();
    this.#sessions.clear();
    // Not io.close(): it also closes the HTTP server, waiting for every keep-alive connection to
    // end (a balancer's health checks kept a drained node from ever exiting); the HTTP server is
    // closed last, by its owner.
    await this.io.of('/').adapter.close();
    this.io.engine.close();
    this.#adapterClient?.disconnect();
  }
}
