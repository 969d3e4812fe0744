/**
 * At most `limit` events per key within a sliding `windowMs` (rings per door and per address,
 * notification actions per address). In memory: a restart forgets, which only ever lets a
 * client act sooner.
 */
export class SlidingWindowLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #hits = new Map<string, number[]>();

  constructor(o: { limit: number; windowMs: number; now: () => number }) {
    this.#limit = o.limit;
    this.#windowMs = o.windowMs;
    this.#now = o.now;
  }

  /** Seconds to wait before `key` may act again; 0 when it may now. Counts nothing. */
  wait(key: string): number {
    const now = this.#now();
    const recent = (this.#hits.get(key) ?? []).filter((t) => t > now - this.#windowMs);
    this.#hits.set(key, recent);
    if (recent.length < this.#limit) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.#windowMs - now) / 1000));
  }

  /** Counts an event of `key` (after `wait` said 0 for every limiter involved). */
  take(key: string): void {
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
