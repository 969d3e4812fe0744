import { useEffect, useState } from 'react';

/** Whole seconds left until `until` (unix ms), ticking; 0 once passed or when null. */
export function useCountdown(until: number | null): number {
  const left = (): number =>
    until === null ? 0 : Math.max(0, Math.ceil((until - Date.now()) / 1000));
  const [seconds, setSeconds] = useState(left);
  useEffect(() => {
    setSeconds(left());
    if (until === null) return;
    const timer = setInterval(() => {
      const s = left();
      setSeconds(s);
      if (s === 0) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [until]);
  return seconds;
}
