import type { Server as HttpsServer } from 'node:https';
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { Limits, type ClientToServerEvents, type ServerToClientEvents } from '@porchlight/protocol';
import type { TokenService } from '../auth/TokenService.ts';
import { PorchlightError } from '../errors.ts';
import { Logger } from '../util/Logger.ts';
import { SignalingSession, type SessionDeps, type SocketData } from './SignalingSession.ts';

const logger = new Logger('SignalingServer');

export interface SignalingServerOptions extends SessionDeps {
  httpServer: HttpsServer | HttpServer;
  tokens: TokenService;
}

/**
 * socket.io endpoint. The handshake middleware verifies the token before any event handler
 * exists, so no unauthenticated socket reaches the SFU.
 */
export class SignalingServer {
  readonly io: Server<
    ClientToServerEvents,
    ServerToClientEvents,
    Record<string, never>,
    SocketData
  >;
  readonly #sessions = new Set<SignalingSession>();
  #closed = false;

  constructor(options: SignalingServerOptions) {
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
      options.tokens.verify(token).then(
        (identity) => {
          socket.data.identity = identity;
          next();
        },
        (error: unknown) => {
          const message = error instanceof PorchlightError ? error.message : 'unauthorized';
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
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Disconnects every socket and stops accepting new ones. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.io.disconnectSockets(true);
    for (const s of this.#sessions) s.close();
    this.#sessions.clear();
    await this.io.close();
  }
}
