import type { DndPeriod } from '@porchlight/protocol';

export interface DndSettings {
  dndEnabled: boolean;
  dndSchedule: readonly DndPeriod[];
  dndTimeZone: string;
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Weekday (0 = Sunday) and minute of the day at `at` in `timeZone`. */
function localTime(at: number, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return {
    day: WEEKDAYS.indexOf(get('weekday')),
    minute: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Do-not-disturb in force at `at`: the switch, or a schedule period. A period whose end is before
 * its start runs past midnight (22:00–07:00 on Friday covers Saturday morning); equal start and
 * end cover the whole day.
 */
export function dndActive(s: DndSettings, at: number): boolean {
  if (s.dndEnabled) return true;
  if (s.dndSchedule.length === 0) return false;
  const { day, minute } = localTime(at, isTimeZone(s.dndTimeZone) ? s.dndTimeZone : 'UTC');
  const yesterday = (day + 6) % 7;
  return s.dndSchedule.some((p) => {
    const start = minutes(p.start);
    const end = minutes(p.end);
    if (start === end) return p.days.includes(day);
    if (start < end) return p.days.includes(day) && minute >= start && minute < end;
    return (
      (p.days.includes(day) && minute >= start) || (p.days.includes(yesterday) && minute < end)
    );
  });
}
