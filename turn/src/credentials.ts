import crypto from 'node:crypto';
import net from 'node:net';
import { CREDENTIAL_DEFAULTS } from './defaults.ts';
import { TurnCredentialsError } from './errors.ts';

/**
 * TURN REST API credentials (draft-uberti-behave-turn-rest, as coturn's use-auth-secret
 * implements it): username "<expiryUnixSeconds>:<userId>", password
 * base64(HMAC-SHA1(secret, username)). coturn refuses the username once the expiry has passed
 * (401) — for new allocations only; a live allocation keeps the key it authenticated with.
 */

export interface MintTurnCredentialsOptions {
  secret: string;
  /** Accounting id (shows up in coturn's usage lines). ':' and non-printable chars become '_'. */
  userId: string;
  /** Default CREDENTIAL_DEFAULTS.ttlSeconds. */
  ttlSeconds?: number;
  /** Clock override (ms since epoch or Date); default now. */
  now?: number | Date;
}

export interface TurnCredentials {
  username: string;
  /** The password, named as RTCIceServer names it. */
  credential: string;
  expiresAt: Date;
}

/** Longest userId kept: coturn limits USERNAME to 512 bytes; ids are never that long. */
const MAX_USER_ID_LENGTH = 128;

export function sanitizeUserId(userId: string): string {
  // ':' is the REST separator: coturn reads the expiry up to the first one.
  return userId.replace(/[^\x21-\x7e]|:/g, '_').slice(0, MAX_USER_ID_LENGTH);
}

export function mintTurnCredentials(options: MintTurnCredentialsOptions): TurnCredentials {
  const ttl = options.ttlSeconds ?? CREDENTIAL_DEFAULTS.ttlSeconds;
  if (!Number.isInteger(ttl) || ttl <= 0) {
    throw new TurnCredentialsError(`ttlSeconds must be a positive integer, got ${String(ttl)}`);
  }
  if (typeof options.secret !== 'string' || options.secret.length === 0) {
    throw new TurnCredentialsError('secret must be a non-empty string');
  }
  const nowMs = options.now === undefined ? Date.now() : Number(options.now);
  const expiry = Math.floor(nowMs / 1000) + ttl;
  const id = sanitizeUserId(options.userId);
  // No id: the timestamp alone is a valid REST username (coturn docs).
  const username = id ? `${expiry}:${id}` : String(expiry);
  const credential = crypto.createHmac('sha1', options.secret).update(username).digest('base64');
  return { username, credential, expiresAt: new Date(expiry * 1000) };
}

/** The userId part of a REST username ("<expiry>:<userId>"), or '' when there is none. */
export function userIdFromUsername(username: string): string {
  const i = username.indexOf(':');
  return i < 0 ? '' : username.slice(i + 1);
}

/** RTCIceServer-compatible shape (kept local so the package does not need the DOM lib). */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface IceServersForOptions {
  /** Public host name or IP clients reach coturn at. */
  host: string;
  credentials: TurnCredentials;
  /** UDP/TCP port (default 3478). */
  port?: number;
  /** Offer "turns:" (TLS over TCP); needs coturn's cert/key. Default false. */
  tls?: boolean;
  /** TLS port (default 5349). */
  tlsPort?: number;
}

/**
 * ICE servers for RTCPeerConnection: STUN, TURN/UDP (preferred: lowest latency), TURN/TCP (UDP
 * blocked), TURNS/TCP (only 443-style TLS egress allowed). One entry per credential set so
 * browsers use the same username for all TURN URLs.
 */
export function iceServersFor(options: IceServersForOptions): IceServer[] {
  const host = net.isIPv6(options.host) ? `[${options.host}]` : options.host;
  if (!host || /[\s/?#]/.test(host)) {
    throw new TurnCredentialsError(`bad ICE server host ${JSON.stringify(options.host)}`);
  }
  const port = options.port ?? CREDENTIAL_DEFAULTS.stunPort;
  const tlsPort = options.tlsPort ?? CREDENTIAL_DEFAULTS.tlsPort;
  const turnUrls = [`turn:${host}:${port}?transport=udp`, `turn:${host}:${port}?transport=tcp`];
  if (options.tls) turnUrls.push(`turns:${host}:${tlsPort}?transport=tcp`);
  return [
    { urls: `stun:${host}:${port}` },
    {
      urls: turnUrls,
      username: options.credentials.username,
      credential: options.credentials.credential,
    },
  ];
}
