import { backoffDelay, mayRetry, sleep } from './backoff.ts';
import type { ReconnectPolicy } from './defaults.ts';
import { isPorchlightError, type PorchlightErrorCode } from './errors.ts';

/**
 * Codes worth retrying for a media operation: the server said "not now" and will be ready soon.
 * TIMEOUT is deliberately absent: the server may have done it, and doing it twice (two producers
 * for one track) is worse than failing.
 */
export const TRANSIENT_CODES: ReadonlySet<PorchlightErrorCode> = new Set([
  'UNAVAILABLE',
  'RATE_LIMITED',
]);

/**
 * Runs `task`, retrying with backoff while it fails with a transient code and `signal` is not
 * aborted. Any other error, or running out of attempts, rejects with the last error.
 */
export async function retryTransient<T>(
  task: () => Promise<T>,
  policy: ReconnectPolicy,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (err) {
      const transient = [...TRANSIENT_CODES].some((code) => isPorchlightError(err, code));
      if (!transient || !mayRetry(policy, attempt) || signal?.aborted) throw err;
      await sleep(backoffDelay(policy, attempt), signal);
    }
  }
}
