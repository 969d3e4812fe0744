import type { LiveStream } from './LiveStream.ts';

/** Timers, injectable so tests drive the deadline without waiting. */
export interface WaitTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: WaitTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Resolves with the first defined answer of `check`, asked now and again at each change of the
 * live edge; undefined once `timeoutMs` passed or `signal` aborted (the client went away). One
 * check at a time: changes during a check lead to one more check after it.
 */
export function waitForChange<T>(
  source: LiveStream,
  check: () => Promise<T | undefined>,
  o: { timeoutMs: number; signal?: AbortSignal; timers?: WaitTimers },
): Promise<T | undefined> {
  const timers = o.timers ?? REAL_TIMERS;
  return new Promise<T | undefined>((resolve, reject) => {
    let done = false;
    let checking = false;
    let again = false;
    const finish = (value: T | undefined, error?: unknown): void => {
      if (done) return;
      done = true;
      timers.clearTimeout(timer);
      source.off('changed', onChange);
      o.signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(value);
    };
    const run = async (): Promise<void> => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          const value = await check();
          if (value !== undefined) return finish(value);
        } while (again && !done);
      } catch (error) {
        finish(undefined, error ?? new Error('check failed'));
      } finally {
        checking = false;
      }
    };
    const onChange = (): void => void run();
    const onAbort = (): void => finish(undefined);
    // Subscribed before the first check: a change while it runs is not missed.
    source.on('changed', onChange);
    o.signal?.addEventListener('abort', onAbort);
    const timer = timers.setTimeout(() => finish(undefined), o.timeoutMs);
    if (o.signal?.aborted) finish(undefined);
    else void run();
  });
}
