import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type {
  Ack,
  HandshakeAuth,
  NotificationMap,
  NotificationName,
  RequestName,
  RequestOf,
  ResponseMap,
} from '@porchlight/protocol';
import { PROTOCOL_VERSION } from '@porchlight/protocol/vocabulary';
import { backoffDelay, mayRetry } from './backoff.ts';
import type { ReconnectPolicy } from './defaults.ts';
import { TypedEmitter } from '@porchlight/emitter';
import {
  ClosedError,
  NotConnectedError,
  PorchlightError,
  ProtocolVersionError,
  RequestError,
  RequestTimeoutError,
  toPorchlightError,
  type PorchlightErrorCode,
} from './errors.ts';
import { resolveToken, type TokenSource } from './token.ts';

/** Extra socket.io-client options (`ClientOptions.socketOptions`). */
export type SocketIoOptions = Partial<ManagerOptions & SocketOptions>;

export interface SignalingOptions {
  url: string;
  token: TokenSource;
  requestTimeoutMs: number;
  reconnect: ReconnectPolicy;
  socketOptions?: SocketIoOptions;
}

/** One server notification, discriminated by name. */
export type Notification = {
  [K in NotificationName]: { name: K; payload: NotificationMap[K] };
}[NotificationName];

const NOTIFICATION_NAMES = [
  'producerAdded',
  'producerUpdated',
  'deviceRenamed',
  'producerClosed',
  'producerPaused',
  'producerResumed',
  'consumerClosed',
  'consumerLayersChanged',
  'mediaReset',
  'reconnect',
  'callRinging',
  'callUpdated',
  'callAnswered',
  'callEnded',
  'quickReply',
  'detection',
  'detectionSettings',
  'alarm',
] as const satisfies readonly NotificationName[];

// Fails to compile when the protocol gains a notification this list does not subscribe to.
type MissingNotification = Exclude<NotificationName, (typeof NOTIFICATION_NAMES)[number]>;
const exhaustive: MissingNotification extends never ? true : false = true;
void exhaustive;

/** The longest wait a server's `reconnect` notice can ask for. */
const MAX_MOVE_DELAY_MS = 10_000;

/** Handshake rejections that no amount of retrying fixes. */
const FATAL_HANDSHAKE_CODES: ReadonlySet<string> = new Set(['UNAUTHORIZED', 'FORBIDDEN']);

export type SignalingEvents = {
  /** The socket is connected; the peer does not exist server-side until it joins. */
  up: [];
  /** The socket dropped; the server has already forgotten this peer. */
  down: [reason: string];
  /** A reconnect attempt is scheduled. */
  retrying: [attempt: number, delayMs: number];
  /** Reconnecting is pointless (bad token, no token to be had) or the policy gave up. */
  fatal: [error: PorchlightError];
  notification: [notification: Notification];
};

/**
 * The socket.io connection: typed requests with timeouts, notifications, and the reconnect loop.
 * socket.io's own reconnection is off so the backoff follows our {@link ReconnectPolicy}
 * (multiplier and all) and so a bad token stops the loop instead of retrying forever.
 *
 * Every attempt ("dial") first asks the token source for a token, then connects with it: tokens
 * expire, and a reconnect hours later needs a fresh one. A handshake refused as UNAUTHORIZED is
 * retried once at once with a forced refresh when the source is a provider (the cached token may
 * have been revoked or expired early), and is fatal after that.
 */
export class Signaling extends TypedEmitter<SignalingEvents> {
  private readonly socket: Socket;
  private readonly pending = new Set<(error: PorchlightError) => void>();
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  private closed = false;
  /** The token of the current attempt, read by socket.io's `auth` callback. */
  private token = '';
  /** A dial is waiting for its token. */
  private dialing = false;
  /** Ask the provider for a fresh token on the next dial. */
  private refreshNext = false;
  /** The one immediate retry after UNAUTHORIZED was used (reset once connected). */
  private retriedUnauthorized = false;
  private readonly removeOnlineListener: () => void;

  constructor(private readonly options: SignalingOptions) {
    super();
    this.socket = io(options.url, {
      transports: ['websocket'],
      ...options.socketOptions,
      // Read at every connect, so each attempt carries the token its dial fetched.
      auth: (cb) => cb({ token: this.token, protocol: PROTOCOL_VERSION } satisfies HandshakeAuth),
      autoConnect: false,
      reconnection: false,
    });
    this.socket.on('connect', this.onConnect);
    this.socket.on('connect_error', this.onConnectError);
    this.socket.on('disconnect', this.onDisconnect);
    for (const name of NOTIFICATION_NAMES) {
      this.socket.on(name, (payload: unknown) => {
        if (name === 'reconnect') this.moveAway(payload);
        this.safeEmit('notification', { name, payload } as Notification);
      });
    }
    this.removeOnlineListener = this.listenForOnline();
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.dial();
  }

  /**
   * Drops the connection and reconnects with backoff; used when joining failed in a way a fresh
   * connection may fix (server restarting, UNAVAILABLE).
   */
  restart(): void {
    if (this.closed) return;
    this.socket.disconnect();
    this.scheduleRetry();
  }

  /**
   * The server is draining: after its `afterMs` (capped), drop this connection and dial again, the
   * same URL, so the balancer picks another node. The connection (and with it the media) is kept
   * through the wait: the spread is for the other nodes' sake, not an outage for this client. If
   * the server drops it first, the dial still waits for the timer. Not a failure: the backoff
   * does not grow.
   */
  private moveAway(payload: unknown): void {
    if (this.closed) return;
    const asked = (payload as { afterMs?: unknown } | null)?.afterMs;
    const delay =
      typeof asked === 'number' && Number.isFinite(asked)
        ? Math.min(Math.max(0, asked), MAX_MOVE_DELAY_MS)
        : 0;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.socket.disconnect();
      this.dial();
    }, delay);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.removeOnlineListener();
    this.rejectPending(new ClosedError('request'));
    this.socket.disconnect();
    this.socket.removeAllListeners();
    this.removeAllListeners();
  }

  /** Sends a request and resolves with the acknowledged data, or rejects with a named error. */
  request<K extends RequestName>(name: K, payload: RequestOf<K>): Promise<ResponseMap[K]> {
    if (this.closed) return Promise.reject(new ClosedError(name));
    // socket.io would buffer the emit and replay it after reconnecting, for a peer that no
    // longer exists. Fail now instead.
    if (!this.socket.connected) return Promise.reject(new NotConnectedError(name));
    const timeoutMs = this.options.requestTimeoutMs;
    return new Promise<ResponseMap[K]>((resolve, reject) => {
      let settled = false;
      const fail = (error: PorchlightError): void => {
        if (settled) return;
        settled = true;
        this.pending.delete(fail);
        reject(error);
      };
      this.pending.add(fail);
      this.socket.timeout(timeoutMs).emit(name, payload, (err: Error | null, ack: unknown) => {
        if (settled) return;
        if (err) {
          fail(
            this.socket.connected
              ? new RequestTimeoutError(name, timeoutMs)
              : new NotConnectedError(name),
          );
          return;
        }
        if (!isAck(ack)) {
          fail(new PorchlightError('INTERNAL', `${name}: malformed acknowledgement`));
          return;
        }
        if (!ack.ok) {
          fail(new RequestError(name, ack.error.code, ack.error.message));
          return;
        }
        settled = true;
        this.pending.delete(fail);
        resolve(ack.data as ResponseMap[K]);
      });
    });
  }

  /** One connection attempt: a token from the source, then the socket. */
  private dial(): void {
    if (this.closed || this.dialing || this.socket.connected) return;
    this.dialing = true;
    const forceRefresh = this.refreshNext;
    this.refreshNext = false;
    resolveToken(this.options.token, { forceRefresh }).then(
      (token) => {
        this.dialing = false;
        if (this.closed || this.socket.connected) return;
        this.token = token;
        this.socket.connect();
      },
      (error: unknown) => {
        this.dialing = false;
        if (this.closed) return;
        const e = toPorchlightError(error);
        // The provider says no token will come (logged out, device removed): stop here.
        if (FATAL_HANDSHAKE_CODES.has(e.code)) {
          this.safeEmit('fatal', e);
          return;
        }
        // Anything else (offline, server restarting) is retried like a failed connect.
        this.scheduleRetry();
      },
    );
  }

  private readonly onConnect = (): void => {
    this.attempt = 0;
    this.retriedUnauthorized = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.safeEmit('up');
  };

  private readonly onConnectError = (err: Error & { data?: unknown }): void => {
    if (this.closed) return;
    const code = handshakeCode(err);
    const refusal = code === 'PROTOCOL_VERSION' ? protocolRefusal(err.data) : undefined;
    if (refusal !== undefined) {
      this.safeEmit('fatal', refusal);
      return;
    }
    if (
      code === 'UNAUTHORIZED' &&
      typeof this.options.token === 'function' &&
      !this.retriedUnauthorized
    ) {
      this.retriedUnauthorized = true;
      this.refreshNext = true;
      this.dial();
      return;
    }
    if (code !== undefined && FATAL_HANDSHAKE_CODES.has(code)) {
      this.safeEmit(
        'fatal',
        new PorchlightError(code as PorchlightErrorCode, `connect: ${err.message}`),
      );
      return;
    }
    this.scheduleRetry();
  };

  private readonly onDisconnect = (reason: string): void => {
    this.rejectPending(new NotConnectedError('request'));
    if (this.closed) return;
    this.safeEmit('down', reason);
    // Our own disconnect() (restart/close) schedules or stops by itself.
    if (reason !== 'io client disconnect') this.scheduleRetry();
  };

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer !== undefined) return;
    this.attempt++;
    if (!mayRetry(this.options.reconnect, this.attempt)) {
      this.safeEmit(
        'fatal',
        new PorchlightError('GAVE_UP', `gave up after ${this.attempt - 1} reconnect attempts`),
      );
      return;
    }
    const delay = backoffDelay(this.options.reconnect, this.attempt);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.dial();
    }, delay);
    this.safeEmit('retrying', this.attempt, delay);
  }

  /** When the browser says the network is back, retry now instead of waiting out the backoff. */
  private listenForOnline(): () => void {
    const target = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
    if (
      typeof target.addEventListener !== 'function' ||
      typeof target.removeEventListener !== 'function'
    ) {
      return () => undefined;
    }
    const onOnline = (): void => {
      if (this.closed || this.retryTimer === undefined) return;
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.dial();
    };
    globalThis.addEventListener('online', onOnline);
    return () => globalThis.removeEventListener('online', onOnline);
  }

  private rejectPending(error: PorchlightError): void {
    for (const fail of [...this.pending]) fail(error);
  }
}

function isAck(value: unknown): value is Ack<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  if (value.ok === true) return true;
  const error = (value as { error?: unknown }).error;
  return typeof error === 'object' && error !== null && 'code' in error;
}

/** The error code a handshake rejection carries: `err.data.code`, else the message itself. */
function handshakeCode(err: Error & { data?: unknown }): string | undefined {
  const data = err.data;
  if (
    typeof data === 'object' &&
    data !== null &&
    'code' in data &&
    typeof data.code === 'string'
  ) {
    return data.code;
  }
  return /^[A-Z_]+$/.test(err.message) ? err.message : undefined;
}

/** A handshake refused for the protocol version, as the named error (undefined if malformed). */
function protocolRefusal(data: unknown): ProtocolVersionError | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { client, server, message } = data as {
    client?: unknown;
    server?: { min?: unknown; max?: unknown };
    message?: unknown;
  };
  if (typeof client !== 'number' || typeof server?.min !== 'number') return undefined;
  if (typeof server.max !== 'number') return undefined;
  return new ProtocolVersionError(
    client,
    { min: server.min, max: server.max },
    `connect: ${typeof message === 'string' ? message : 'protocol version refused'}`,
  );
}
