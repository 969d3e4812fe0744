import type { ReconnectPolicy } from './defaults.ts';

/**
 * Delay before retry number `attempt` (1-based): initialDelay * multiplier^(attempt-1), capped at
 * maxDelay, then spread by ±jitter. `random` is injectable for tests.
 */
export function backoffDelay(
  policy: ReconnectPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const raw = policy.initialDelayMs * Math.pow(Math.max(1, policy.multiplier), exponent);
  const capped = Math.min(raw, policy.maxDelayMs);
  const jitter = Math.min(Math.max(policy.jitter, 0), 1);
  const spread = capped * jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(capped + spread, policy.maxDelayMs)));
}

/** Whether retry number `attempt` (1-based) is still allowed. */
export function mayRetry(policy: ReconnectPolicy, attempt: number): boolean {
  return attempt <= policy.maxAttempts;
}

/** Merges a partial policy over defaults, rejecting nonsense early instead of looping oddly. */
export function resolvePolicy(
  defaults: Readonly<ReconnectPolicy>,
  overrides: Partial<ReconnectPolicy> | undefined,
): ReconnectPolicy {
  const policy: ReconnectPolicy = { ...defaults };
  for (const key of Object.keys(overrides ?? {}) as (keyof ReconnectPolicy)[]) {
    const value = overrides?.[key];
    if (value !== undefined) policy[key] = value;
  }
  if (!(policy.initialDelayMs >= 0) || !(policy.maxDelayMs >= policy.initialDelayMs)) {
    throw new RangeError('reconnect policy: need 0 <= initialDelayMs <= maxDelayMs');
  }
  if (!(policy.multiplier >= 1)) throw new RangeError('reconnect policy: multiplier must be >= 1');
  if (!(policy.maxAttempts >= 0))
    throw new RangeError('reconnect policy: maxAttempts must be >= 0');
  return policy;
}

/** Resolves after `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
