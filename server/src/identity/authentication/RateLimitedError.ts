import { ErrorCode } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';

/** RATE_LIMITED with the number of seconds to wait, for a `Retry-After` header. */
export class RateLimitedError extends PorchlightError {
  override readonly name = 'RateLimitedError';

  constructor(
    readonly retryAfterSeconds: number,
    message = `too many failed attempts; try again in ${retryAfterSeconds} s`,
  ) {
    super(ErrorCode.RateLimited, message);
  }
}
