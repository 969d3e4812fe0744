import type { types } from 'mediasoup-client';
import { resolvePolicy } from './backoff.ts';
import {
  DEFAULT_ICE_POLICY,
  DEFAULT_RECONNECT_POLICY,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RESUBSCRIBE_GRACE_MS,
  DEFAULT_TRANSIENT_RETRY_POLICY,
  type IcePolicy,
  type ReconnectPolicy,
} from './defaults.ts';
import type { SocketIoOptions } from './signaling.ts';
import type { TokenSource } from './token.ts';

/** Longest label the protocol accepts. */
const MAX_LABEL_LENGTH = 64;

/** Relay-only ICE: `true` for any TURN server, or only those of one transport. */
export type ForceRelay = boolean | 'udp' | 'tcp' | 'tls';

/** Options of {@link PorchlightClient}; only `token` is required in browsers (`url` too in Node). */
export interface ClientOptions {
  /** Server origin. Default: the page's origin (`location.origin`); required outside browsers. */
  url?: string;
  /**
   * Who this is: an account access token (people), a device token (cameras) or an API key; the
   * server derives the role from it. Tokens expire, so pass a provider to have a fresh one at
   * every connect and reconnect (it gets `{ forceRefresh: true }` after the server refused one).
   */
  token: TokenSource;
  /**
   * Site to watch, sent when joining. Needed by accounts with several sites; devices always join
   * their own. Default: none, the server picks the caller's only site.
   */
  siteId?: string;
  /**
   * A doorbell call to join instead of the site: the client becomes a peer of that call's own
   * media room (visitors with their visitor credential; homeowners who may answer the door).
   * The server closes the room and its sockets when the call ends: close the client on the
   * `callEnded` notification (visitor) or a `callUpdated` with state 'ended'. Default: none.
   */
  callId?: string;
  /** Name shown to other peers ("Front door"), sent when joining. Default: none, the server picks. */
  label?: string;
  /**
   * Devices: firmware or app version, sent when joining and shown to admins (printable ASCII,
   * at most 128 characters). Default: none, the registry keeps what provisioning reported.
   */
  firmware?: string;
  /** Signaling reconnect policy, merged over DEFAULT_RECONNECT_POLICY. */
  reconnect?: Partial<ReconnectPolicy>;
  /**
   * Use TURN relay candidates only (iceTransportPolicy 'relay'), for tests and strict networks.
   * `true`: any relay; 'udp' | 'tcp' | 'tls': only TURN servers of that transport. Default false:
   * direct paths first, relay as the fallback ICE picks by itself.
   */
  forceRelay?: ForceRelay;
  /** How long a request waits for its acknowledgement (ms). Default DEFAULT_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /**
   * mediasoup-client Device options, e.g. a `handlerFactory` for Node with a WebRTC port.
   * Default: detect the browser.
   */
  device?: types.DeviceOptions;
  /** Extra socket.io-client options (e.g. `rejectUnauthorized: false` in Node tests). */
  socketOptions?: SocketIoOptions;
  /** ICE restart timing, merged over DEFAULT_ICE_POLICY. */
  ice?: Partial<IcePolicy>;
  /**
   * How long a subscription whose producer vanished waits for its source to come back (ms).
   * Default DEFAULT_RESUBSCRIBE_GRACE_MS.
   */
  resubscribeGraceMs?: number;
}

export interface ResolvedOptions {
  url: string;
  token: TokenSource;
  siteId: string | undefined;
  callId: string | undefined;
  label: string | undefined;
  firmware: string | undefined;
  reconnect: ReconnectPolicy;
  transientRetry: ReconnectPolicy;
  forceRelay: ForceRelay;
  requestTimeoutMs: number;
  device: types.DeviceOptions;
  socketOptions: SocketIoOptions;
  ice: IcePolicy;
  resubscribeGraceMs: number;
}

function defaultUrl(): string | undefined {
  return typeof location !== 'undefined' ? location.origin : undefined;
}

/** Trimmed and cut to what the server accepts; empty means "let the server pick". */
export function normalizeLabel(label: string | undefined): string | undefined {
  const trimmed = label?.trim().slice(0, MAX_LABEL_LENGTH).trim();
  return trimmed ? trimmed : undefined;
}

export function resolveClientOptions(options: ClientOptions): ResolvedOptions {
  const url = options.url ?? defaultUrl();
  if (!url) throw new TypeError('PorchlightClient: `url` is required outside a browser page');
  if (!options.token) throw new TypeError('PorchlightClient: `token` is required');
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!(requestTimeoutMs > 0))
    throw new RangeError('PorchlightClient: requestTimeoutMs must be > 0');
  return {
    url,
    token: options.token,
    siteId: options.siteId || undefined,
    callId: options.callId || undefined,
    label: normalizeLabel(options.label),
    firmware: options.firmware?.trim().slice(0, 128) || undefined,
    reconnect: resolvePolicy(DEFAULT_RECONNECT_POLICY, options.reconnect),
    transientRetry: { ...DEFAULT_TRANSIENT_RETRY_POLICY },
    forceRelay: options.forceRelay ?? false,
    requestTimeoutMs,
    device: options.device ?? {},
    socketOptions: options.socketOptions ?? {},
    ice: { ...DEFAULT_ICE_POLICY, ...options.ice },
    resubscribeGraceMs: options.resubscribeGraceMs ?? DEFAULT_RESUBSCRIBE_GRACE_MS,
  };
}
