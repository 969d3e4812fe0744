import type { ErrorCode, ProtocolVersionRange } from '@porchlight/protocol';

/**
 * Codes the client itself produces, next to the wire {@link ErrorCode}s the server sends.
 * - TIMEOUT: no acknowledgement within the request timeout.
 * - NOT_CONNECTED: the signaling socket is down (the request was not sent).
 * - CLOSED: the client (or the object used) was closed.
 * - MEDIA_RESET: the media session was torn down while the operation ran; the client redoes it.
 * - UNSUPPORTED: this browser cannot do it (no WebRTC, cannot send this kind).
 * - GAVE_UP: the reconnect policy ran out of attempts.
 * - NETWORK: an HTTP request did not get an answer (offline, DNS, TLS, server down).
 * - PROTOCOL_VERSION: the server does not speak this SDK's protocol version
 *   ({@link ProtocolVersionError}).
 */
export type ClientErrorCode =
  | 'TIMEOUT'
  | 'NOT_CONNECTED'
  | 'CLOSED'
  | 'MEDIA_RESET'
  | 'UNSUPPORTED'
  | 'GAVE_UP'
  | 'NETWORK'
  | 'PROTOCOL_VERSION';

/** Every `code` a {@link PorchlightError} can carry: the wire codes of the server and the client's own. */
export type PorchlightErrorCode = ErrorCode | ClientErrorCode;

/** Base of every error the SDK throws or emits. Switch on `code`, not on the message. */
export class PorchlightError extends Error {
  override readonly name: string = 'PorchlightError';
  constructor(
    readonly code: PorchlightErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The server acknowledged a request with an error. */
export class RequestError extends PorchlightError {
  override readonly name = 'RequestError';
  constructor(
    readonly request: string,
    code: ErrorCode,
    message: string,
  ) {
    super(code, `${request}: ${message}`);
  }
}

/**
 * The REST API answered with an error (`{ error: { code, message } }`), or did not answer at all
 * (`code: 'NETWORK'`, `status: 0`).
 */
export class ApiError extends PorchlightError {
  override readonly name = 'ApiError';
  /** For RATE_LIMITED: how long to wait, from `Retry-After` or the message, when given. */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    code: PorchlightErrorCode,
    message: string,
    /** HTTP status; 0 when there was no response. */
    readonly status: number,
    extra: { retryAfterSeconds?: number | undefined; cause?: unknown } = {},
  ) {
    super(code, message, 'cause' in extra ? { cause: extra.cause } : undefined);
    this.retryAfterSeconds = extra.retryAfterSeconds;
  }
}

/**
 * The server refused this SDK's protocol version, at connect (socket) or on a REST call. Not
 * retried: one side must be upgraded. `clientVersion` is what the SDK sent, `server` the range
 * the server accepts.
 */
export class ProtocolVersionError extends PorchlightError {
  override readonly name = 'ProtocolVersionError';
  constructor(
    readonly clientVersion: number,
    readonly server: ProtocolVersionRange,
    message: string,
  ) {
    super('PROTOCOL_VERSION', message);
  }
}

/** A request got no acknowledgement in time. */
export class RequestTimeoutError extends PorchlightError {
  override readonly name = 'RequestTimeoutError';
  constructor(
    readonly request: string,
    readonly timeoutMs: number,
  ) {
    super('TIMEOUT', `${request}: no answer within ${timeoutMs} ms`);
  }
}

/** The signaling socket is not connected. */
export class NotConnectedError extends PorchlightError {
  override readonly name = 'NotConnectedError';
  constructor(what: string) {
    super('NOT_CONNECTED', `${what}: not connected`);
  }
}

/** The client or object was closed. */
export class ClosedError extends PorchlightError {
  override readonly name = 'ClosedError';
  constructor(what: string) {
    super('CLOSED', `${what}: closed`);
  }
}

/** The media session the operation ran on was torn down (mediaReset or reconnect). */
export class MediaResetError extends PorchlightError {
  override readonly name = 'MediaResetError';
  constructor(what: string) {
    super('MEDIA_RESET', `${what}: media session was reset`);
  }
}

/** Whether `err` is an SDK error (optionally with this `code`). */
export function isPorchlightError(
  err: unknown,
  code?: PorchlightErrorCode,
): err is PorchlightError {
  return err instanceof PorchlightError && (code === undefined || err.code === code);
}

/** Wraps anything thrown (mediasoup-client errors, DOMExceptions) so listeners get one type. */
export function toPorchlightError(
  err: unknown,
  fallback: PorchlightErrorCode = 'INTERNAL',
): PorchlightError {
  if (err instanceof PorchlightError) return err;
  const name = err instanceof Error ? err.name : '';
  const code: PorchlightErrorCode = name === 'UnsupportedError' ? 'UNSUPPORTED' : fallback;
  const message = err instanceof Error ? err.message : String(err);
  return new PorchlightError(code, message, { cause: err });
}
