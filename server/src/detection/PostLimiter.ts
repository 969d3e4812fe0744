import { RateLimitedError } from '../identity/authentication/RateLimitedError.ts';
import type { WindowLimiter } from '../SlidingWindowLimiter.ts';

/**
 * At most `limit` posts per camera within a sliding window: the shared limiter (Redis in a
 * cluster), refusing with RATE_LIMITED (429, Retry-After) in the camera's words.
 */
export class PostLimiter {
  readonly #limiter: WindowLimiter;

  constructor(limiter: WindowLimiter) {
    this.#limiter = limiter;
  }

  /** Counts a post of `key`, or throws RATE_LIMITED without counting it. */
  async take(key: string, what: string): Promise<void> {
    const wait = await this.#limiter.attempt(key);
    if (wait > 0)
      throw new RateLimitedError(wait, `too many ${what} from this camera; try again in ${wait} s`);
  }
}
