/** How deliveries are retried: exponential backoff with full jitter, then a dead letter. */
export interface RetryPolicy {
  /** Attempts in all (the first one included) before a delivery becomes a dead letter. */
  maxAttempts: number;
  /** The cap of the first retry's delay (ms); each later one doubles it. */
  baseDelayMs: number;
  /** No retry waits longer than this (ms). */
  maxDelayMs: number;
}

/**
 * The wait before the attempt after `attempt` failed ones (1 = after the first failure): a
 * uniformly random delay in [0, min(max, base * 2^(attempt-1))) ("full jitter", so receivers that
 * failed together are not hit together again). `random` returns [0, 1).
 */
export function retryDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const exp = policy.baseDelayMs * 2 ** Math.max(0, attempt - 1);
  const cap = Math.min(policy.maxDelayMs, exp);
  return Math.floor(random() * cap);
}
