import { ErrorCode, type WireError } from '@porchlight/protocol';

const httpStatus: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNKNOWN_EVENT: 400,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  PASSWORD_CHANGE_REQUIRED: 403,
  INTERNAL: 500,
};

/** Base of every error the server means to show a client; anything else becomes INTERNAL. */
export class PorchlightError extends Error {
  override readonly name: string = 'PorchlightError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
  get httpStatus(): number {
    return httpStatus[this.code];
  }
  static badRequest(message: string): PorchlightError {
    return new PorchlightError(ErrorCode.BadRequest, message);
  }
  static unauthorized(message = 'authentication required'): PorchlightError {
    return new PorchlightError(ErrorCode.Unauthorized, message);
  }
  static forbidden(message: string): PorchlightError {
    return new PorchlightError(ErrorCode.Forbidden, message);
  }
  static notFound(what: string): PorchlightError {
    return new PorchlightError(ErrorCode.NotFound, `${what} not found`);
  }
  static conflict(message: string): PorchlightError {
    return new PorchlightError(ErrorCode.Conflict, message);
  }
  static passwordChangeRequired(): PorchlightError {
    return new PorchlightError(
      ErrorCode.PasswordChangeRequired,
      'password change required: set a new password first',
    );
  }
  static unavailable(message: string): PorchlightError {
    return new PorchlightError(ErrorCode.Unavailable, message);
  }
}

/** Config is illegal: start-up stops with this message. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Maps any thrown value to a wire error; unexpected ones are reported via `onInternal`. */
export function toWireError(error: unknown, onInternal: (e: unknown) => void): WireError {
  if (error instanceof PorchlightError) return { code: error.code, message: error.message };
  onInternal(error);
  return { code: ErrorCode.Internal, message: 'internal error' };
}
