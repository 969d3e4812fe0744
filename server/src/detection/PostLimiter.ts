import { RateLimitedError } from '../identity/authentication/RateLimitedError.ts';

/**
 * At most `limit` posts per key within a sliding `windowMs` (per camera). In memory: a restart
 * forgets, which only lets a camera post sooner.
 */
export class PostLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #hits = new Map<string, number[]>();

  constructor(o: { limit: number; windowMs: number; now: () => number }) {
    this.#limit = o.limit;
    this.#windowMs = o.windowMs;
    this.#now = o.now;
  }

  /** Counts a post of `key`, or throws RATE_LIMITED (429, Retry-After) without counting it. */
  take(key: string, what: string): void {
    const now = this.#now();
    const recent = (this.#hits.get(key) ?? []).filter((t) => t > now - this.#windowMs);
    if (recent.length >= this.#limit) {
      this.#hits.set(key, recent);
      const wait = Math.max(1, Math.ceil((recent[0]! + this.#windowMs - now) / 1000));
      throw new RateLimitedError(wait, `too many ${what} from this camera; try again in ${wait} s`);
    }
    recent.push(now);
    this.#hits.set(key, recent);
    if (this.#hits.size > 10_000) this.#sweep(now);
  }

  #sweep(now: number): void {
    for (const [key, hits] of this.#hits)
      if (hits.every((t) => t <= now - this.#windowMs)) this.#hits.delete(key);
  }
}
