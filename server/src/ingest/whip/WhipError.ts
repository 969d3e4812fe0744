import { WhipErrorCode, type WhipErrorBody } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';

/** An error of the WHIP/WHEP endpoints with the HTTP status RFC 9725 asks for. */
export class WhipError extends Error {
  override readonly name = 'WhipError';
  constructor(
    readonly status: number,
    readonly code: WhipErrorCode,
    message: string,
  ) {
    super(message);
  }
  static badSdp(message: string): WhipError {
    return new WhipError(400, WhipErrorCode.BadSdp, `malformed SDP: ${message}`);
  }
  static unsupportedCodec(message: string): WhipError {
    // 406: the offer is well formed but nothing in it is acceptable (RFC 9110 15.5.7).
    return new WhipError(406, WhipErrorCode.UnsupportedCodec, message);
  }
  static mediaType(expected: string): WhipError {
    return new WhipError(
      415,
      WhipErrorCode.UnsupportedMediaType,
      `Content-Type must be ${expected}`,
    );
  }
  static unsupportedPatch(message: string): WhipError {
    return new WhipError(422, WhipErrorCode.UnsupportedPatch, message);
  }
  static precondition(): WhipError {
    return new WhipError(
      412,
      WhipErrorCode.PreconditionFailed,
      'If-Match does not match the session',
    );
  }
  static methodNotAllowed(): WhipError {
    return new WhipError(405, WhipErrorCode.MethodNotAllowed, 'method not allowed');
  }
}

/** Status and JSON body for any thrown value; unexpected ones are `INTERNAL`. */
export function whipErrorReply(error: unknown): {
  status: number;
  body: WhipErrorBody;
  internal: boolean;
} {
  if (error instanceof WhipError)
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message } },
      internal: false,
    };
  if (error instanceof PorchlightError)
    return {
      status: error.httpStatus,
      body: { error: { code: error.code, message: error.message } },
      internal: false,
    };
  return {
    status: 500,
    body: { error: { code: WhipErrorCode.Internal, message: 'internal error' } },
    internal: true,
  };
}
