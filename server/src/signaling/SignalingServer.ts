import type { Server as HttpsServer } from 'node:https';
import type { Server as HttpServer } from 'node:http';
import type { Http2SecureServer } from 'node:http2';
import { Server } from 'socket.io';
import { Limits, type ClientToServerEvents, type ServerToClientEvents } from '@porchlight/protocol';
import { PorchlightError } from '../errors.ts';
import type { Authenticator } from '../identity/authentication/Authenticator.ts';
import type { IdentityEvents, PrincipalRef } from '../identity/IdentityEvents.ts';
import { createLogger } from '@porchlight/runtime';
import { SignalingSession, type SessionDeps, type SocketData } from './SignalingSession.ts';

const logger = createLogger('SignalingServer');

export interface SignalingServerOptions extends SessionDeps {
  /** The app's server; an HTTP/2 one must allow HTTP/1.1 (the WebSocket upgrade needs it). */
  httpServer: HttpsServer | HttpServer | Http2SecureServer;
  authenticator: Pick<Authenticator, 'authenticate'>;
  events: IdentityEvents;
}

/**
 * socket.io endpoint. The handshake middleware authenticates before any event handler exists,
 * so no unauthenticated socket reaches the SFU. Identity changes re-authorize live sessions.
 */
export class SignalingServer {
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
  #closed = false;

  constructor(options: SignalingServerOptions) {
    this.#events = options.events;
    this.#onDeviceRenamed = ({ siteId, deviceId, name }) =>
      options.rooms.rooms.get(siteId)?.renameDevice(deviceId, name);
    this.io = new Server(options.httpServer, {
      maxHttpBufferSize: Limits.maxMessageBytes,
      serveClient: false,
      pingInterval: 10_000,
      pingTimeout: 10_000,
    });
    this.io.use((socket, next) => {
      const auth: unknown = socket.handshake.auth;
      const token =
        typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
      options.authenticator.authenticate(token).then(
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
    this.io.on('connection', (socket) => {
      if (this.#closed) {
        socket.disconnect(true);
        return;
      }
      const session = new SignalingSession(socket, options);
      this.#sessions.add(session);
      socket.on('disconnect', () => this.#sessions.delete(session));
    });
    this.#events.on('principalChanged', this.#onPrincipalChanged);
    this.#events.on('deviceRenamed', this.#onDeviceRenamed);
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
    await this.io.close();
  }
}
