import type { PushSettingsRecord } from '../store/repositories/PushSubscriptionRepository.ts';

/** Settings of a browser that just subscribed: everything, at any hour. */
export const DEFAULT_PUSH_SETTINGS: PushSettingsRecord = { devices: null, quietHours: null };

/** Minutes since midnight of `HH:MM`. */
function minutes(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Minutes since midnight at `at` (unix ms) in `timeZone`. Throws RangeError on an unknown zone. */
export function minuteOfDay(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** Whether `timeZone` is a zone Intl knows (the settings route refuses others). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `at` falls in the quiet hours: from `start` (inclusive) to `end` (exclusive) local
 * time; an `end` at or before `start` runs past midnight (22:00-07:00). `start` = `end` is never quiet.
 */
export function inQuietHours(settings: PushSettingsRecord, at: number): boolean {
  const q = settings.quietHours;
  if (!q) return false;
  const start = minutes(q.start);
  const end = minutes(q.end);
  if (start === end) return false;
  let now: number;
  try {
    now = minuteOfDay(at, q.timeZone);
  } catch {
    return false; // a zone this runtime dropped: notify rather than go silent
  }
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** Whether this browser wants notifications about this door or camera. */
export function wantsDevice(
  settings: PushSettingsRecord,
  siteId: string,
  deviceId: string,
): boolean {
  return (
    settings.devices === null ||
    settings.devices.some((d) => d.siteId === siteId && d.deviceId === deviceId)
  );
}
