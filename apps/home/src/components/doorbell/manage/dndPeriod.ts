import type { DndPeriod } from '@porchlight/protocol';

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

/** What is wrong with a period, or null. Same rules as the server's schema. */
export function periodError(p: DndPeriod): string | null {
  if (p.days.length === 0) return 'Pick at least one day.';
  if (!CLOCK.test(p.start) || !CLOCK.test(p.end)) return 'Enter both times (HH:MM).';
  return null;
}

/** How a period reads ("22:00 to 07:00 the next morning"). */
export function periodHint(p: DndPeriod): string | null {
  if (!CLOCK.test(p.start) || !CLOCK.test(p.end)) return null;
  if (p.start === p.end) return 'The whole day.';
  if (p.end < p.start) return `Until ${p.end} the next morning.`;
  return null;
}
