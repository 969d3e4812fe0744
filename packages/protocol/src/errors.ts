/** Error codes carried in a failed acknowledgement. Stable: clients switch on them. */
export const ErrorCode = {
  /** The payload failed validation (wrong type, missing field, too large). */
  BadRequest: 'BAD_REQUEST',
  /** No valid token, or it expired. */
  Unauthorized: 'UNAUTHORIZED',
  /** Authenticated, but this role or site may not do that. */
  Forbidden: 'FORBIDDEN',
  /** The referenced transport/producer/consumer does not exist for this peer. */
  NotFound: 'NOT_FOUND',
  /** The request conflicts with current state (e.g. join twice). */
  Conflict: 'CONFLICT',
  /** The event name is not part of the protocol. */
  UnknownEvent: 'UNKNOWN_EVENT',
  /** Too many requests in a short time. */
  RateLimited: 'RATE_LIMITED',
  /** Media is being re-established (e.g. worker respawn); retry shortly. */
  Unavailable: 'UNAVAILABLE',
  /**
   * The account must pick a new password first (a generated or admin-reset one): everything but
   * the password change is refused until then. Apps answer by showing the change form.
   */
  PasswordChangeRequired: 'PASSWORD_CHANGE_REQUIRED',
  /** A bug or unexpected failure on the server; the details are logged there. */
  Internal: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The error part of a failed acknowledgement. */
export interface WireError {
  code: ErrorCode;
  message: string;
}

/** Every request is acknowledged with exactly one of these. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: WireError };

/** Thrown by clients when a request is acknowledged with an error. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
