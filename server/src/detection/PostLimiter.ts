import { RateLimitedError } from '../identity/authentication/RateLimitedError.ts';
import { SlidingWindowLimiter } from '../SlidingWindowLimiter.ts';

/**
 * At most `limit` posts per camera within a sliding `windowMs`: the shared limiter, refusing with
 * RATE_LIMITED (429, Retry-After) in the camera's words.
 */
export class PostLimiter {
  readonly #limiter: SlidingWindowLimiter;

  constructor(o: { limit: number; windowMs: number; now: () => number }) {
    this.#limiter = new SlidingWindowLimiter(o);
  }

  /** Counts a post of `key`, or throws RATE_LIMITED without counting it. */
  take(key: string, what: string): void {
    const wait = this.#limiter.wait(key);
    if (wait > 0)
      throw new RateLimitedError(wait, `too many ${what} from this camera; try again in ${wait} s`);
    this.#limiter.take(key);
  }
}
