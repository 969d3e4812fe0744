/**
 * At most `limit` events per key within a sliding window (rings per door and per address,
 * notification actions per address, detection posts per camera). Async because a cluster keeps
 * the window in Redis (limits/RedisWindowLimiter.ts); a single box keeps it in memory.
 */
export interface WindowLimiter {
  /** Seconds to wait before `key` may act again; 0 when it may now. Counts nothing. */
  wait(key: string): Promise<number>;
  /** Counts an event of `key` (after `wait` said 0 for every limiter involved). */
  take(key: string): Promise<void>;
  /** `wait` and, when it says 0, `take` in one step (atomic across nodes); resolves the wait. */
  attempt(key: string): Promise<number>;
}

/**
 * The in-memory window (a single box, and a cluster node's fallback while Redis is unreachable).
 * A restart forgets, which only ever lets a client act sooner.
 */
export class SlidingWindowLimiter implements WindowLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #hits = new Map<string, number[]>();

  constructor(o: { limit: number; windowMs: number; now: () => number }) {
    this.#limit = o.limit;
    this.#windowMs = o.windowMs;
    this.#now = o.now;
  }

  async wait(key: string): Promise<number> {
    return this.waitNow(key);
  }

  async take(key: string): Promise<void> {
    this.takeNow(key);
  }

  async attempt(key: string): Promise<number> {
    const wait = this.waitNow(key);
    if (wait === 0) this.takeNow(key);
    return wait;
  }

  /** `wait`, synchronously (in-process callers and the Redis limiter's fallback). */
  waitNow(key: string): number {
    const now = this.#now();
    const recent = (this.#hits.get(key) ?? []).filter((t) => t > now - this.#windowMs);
    this.#hits.set(key, recent);
    if (recent.length < this.#limit) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.#windowMs - now) / 1000));
  }

  /** `take`, synchronously. */
  takeNow(key: string): void {
    const now = this.#now();
    const recent = (this.#hits.get(key) ?? []).filter((t) => t > now - this.#windowMs);
    recent.push(now);
    this.#hits.set(key, recent);
    if (this.#hits.size > 10_000) this.#sweep(now);
  }

  #sweep(now: number): void {
    for (const [key, hits] of this.#hits) {
      if (hits.every((t) => t <= now - this.#windowMs)) this.#hits.delete(key);
    }
  }
}
