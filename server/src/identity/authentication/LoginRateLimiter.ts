export interface LoginRateLimiterOptions {
  /** Failures within `windowSeconds` that trigger the first lockout. Default 5. */
  maxFailures?: number;
  /** Default 900 (15 min). Also how long a key must stay quiet to be forgiven entirely. */
  windowSeconds?: number;
  /** First lockout. Default 60; each further failure after a lockout doubles it. */
  baseLockSeconds?: number;
  /** Default 3600 (1 h). */
  maxLockSeconds?: number;
  /** Keys tracked at most; the least recently failed is evicted beyond it. Default 10 000. */
  maxEntries?: number;
  /** Unix ms. Default Date.now. */
  now?: () => number;
}

interface Entry {
  /** Failure times within the window, before the first lockout. */
  failures: number[];
  /** Lockouts so far; the next one lasts base · 2^strikes. */
  strikes: number;
  lockedUntil: number;
  lastFailureAt: number;
}

/** Failed-attempt lockouts per key; async because a cluster shares them through Redis. */
export interface LockoutLimiter {
  /** Seconds until `key` may try again; 0 when it may now. */
  retryAfterSeconds(key: string): Promise<number>;
  /** Records a failure; resolves the lockout it caused in seconds, 0 if none. */
  recordFailure(key: string): Promise<number>;
  /** Forgets `key` (after a successful login). */
  reset(key: string): Promise<void>;
}

/**
 * Counts failed logins per key (an e-mail address, an IP bucket) and locks the key out with
 * exponential backoff: after `maxFailures` failures within the window it is locked for
 * `baseLockSeconds`; every failure after that (one try per lockout) doubles the lock, up to
 * `maxLockSeconds`. A key that stays quiet for a window after its last failure or lockout is
 * forgotten; a success resets it.
 *
 * In memory, per process, bounded: a single box, and a cluster node's fallback while Redis is
 * unreachable. A cluster shares the same rules through Redis (limits/RedisLockoutLimiter.ts), or
 * an attacker would get `maxFailures` tries per node.
 */
export class LoginRateLimiter implements LockoutLimiter {
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #baseLockMs: number;
  readonly #maxLockMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** Insertion order = least recently failed first (entries are re-inserted on each failure). */
  readonly #entries = new Map<string, Entry>();

  constructor(o: LoginRateLimiterOptions = {}) {
    this.#maxFailures = o.maxFailures ?? 5;
    this.#windowMs = (o.windowSeconds ?? 900) * 1000;
    this.#baseLockMs = (o.baseLockSeconds ?? 60) * 1000;
    this.#maxLockMs = (o.maxLockSeconds ?? 3600) * 1000;
    this.#maxEntries = o.maxEntries ?? 10_000;
    this.#now = o.now ?? Date.now;
    if (this.#maxFailures < 1 || this.#maxEntries < 1)
      throw new Error('invalid rate limit options');
  }

  async retryAfterSeconds(key: string): Promise<number> {
    return this.retryAfterSecondsNow(key);
  }

  async recordFailure(key: string): Promise<number> {
    return this.recordFailureNow(key);
  }

  async reset(key: string): Promise<void> {
    this.resetNow(key);
  }

  /** `retryAfterSeconds`, synchronously. */
  retryAfterSecondsNow(key: string): number {
    const entry = this.#live(key);
    if (!entry) return 0;
    const wait = entry.lockedUntil - this.#now();
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  /** `recordFailure`, synchronously. */
  recordFailureNow(key: string): number {
    const now = this.#now();
    const entry = this.#live(key) ?? { failures: [], strikes: 0, lockedUntil: 0, lastFailureAt: 0 };
    entry.lastFailureAt = now;
    let lockMs = 0;
    if (entry.strikes > 0) {
      lockMs = this.#lockMs(entry.strikes);
    } else {
      entry.failures = entry.failures.filter((t) => t > now - this.#windowMs);
      entry.failures.push(now);
      if (entry.failures.length >= this.#maxFailures) lockMs = this.#baseLockMs;
    }
    if (lockMs > 0) {
      entry.strikes++;
      entry.failures = [];
      entry.lockedUntil = now + lockMs;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    this.#evict();
    return Math.ceil(lockMs / 1000);
  }

  /** `reset`, synchronously. */
  resetNow(key: string): void {
    this.#entries.delete(key);
  }

  /** Keys currently tracked. */
  get size(): number {
    return this.#entries.size;
  }

  #lockMs(strikes: number): number {
    return Math.min(this.#baseLockMs * 2 ** Math.min(strikes, 30), this.#maxLockMs);
  }

  /** The entry of `key`, dropping it first if it has been quiet for a whole window. */
  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (this.#now() - Math.max(entry.lastFailureAt, entry.lockedUntil) > this.#windowMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #evict(): void {
    // Evicting can free a locked key; the bound only bites under a flood of distinct keys, where
    // memory safety matters more (and the per-IP limiter still holds).
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) return;
      this.#entries.delete(key);
    }
  }
}
