import { useEffect } from 'react';

/**
 * Keeps the screen on while `active` (a door screen must not go dark mid-call). Re-acquired when
 * the page becomes visible again, since browsers release the lock on hide. No-op where the
 * Screen Wake Lock API is missing.
 */
export function useWakeLock(active = true): void {
  useEffect(() => {
    if (!active || !('wakeLock' in navigator)) return;
    let sentinel: WakeLockSentinel | null = null;
    let stopped = false;
    const acquire = (): void => {
      if (document.visibilityState !== 'visible') return;
      navigator.wakeLock.request('screen').then(
        (s) => {
          if (stopped) void s.release();
          else sentinel = s;
        },
        () => undefined, // Refused (battery saver, no user gesture yet): the page still works.
      );
    };
    acquire();
    document.addEventListener('visibilitychange', acquire);
    return () => {
      stopped = true;
      document.removeEventListener('visibilitychange', acquire);
      void sentinel?.release().catch(() => undefined);
    };
  }, [active]);
}
