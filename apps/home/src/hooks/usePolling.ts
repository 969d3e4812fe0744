import { useEffect } from 'react';

/**
 * Runs `load` now and every `intervalMs` while the page is visible, never two at once. `load`
 * gets `isCurrent()`: false once its results are stale (unmounted, or `load` itself changed), so
 * it must not apply them. It should catch its own errors. Memoize it (useCallback): a new
 * function restarts the polling.
 */
export function usePolling(
  load: (isCurrent: () => boolean) => Promise<void>,
  intervalMs: number,
): void {
  useEffect(() => {
    let alive = true;
    let inflight = false;
    const tick = async (): Promise<void> => {
      if (inflight) return;
      inflight = true;
      try {
        await load(() => alive);
      } finally {
        inflight = false;
      }
    };
    void tick();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void tick();
    }, intervalMs);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [load, intervalMs]);
}
