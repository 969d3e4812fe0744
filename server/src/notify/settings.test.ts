import { describe, expect, it } from 'vitest';
import { inQuietHours, wantsDevice } from './settings.ts';

const at = (iso: string): number => Date.parse(iso);
const quiet = (start: string, end: string, timeZone = 'UTC') => ({
  devices: null,
  quietHours: { start, end, timeZone },
});

describe('quiet hours', () => {
  it('a window past midnight covers late evening and early morning, in the chosen zone', () => {
    const s = quiet('22:00', '07:00', 'Europe/Berlin'); // UTC+1 in January
    expect(inQuietHours(s, at('2026-01-10T20:59:00Z'))).toBe(false); // 21:59 Berlin
    expect(inQuietHours(s, at('2026-01-10T21:00:00Z'))).toBe(true); // 22:00
    expect(inQuietHours(s, at('2026-01-11T05:59:00Z'))).toBe(true); // 06:59
    expect(inQuietHours(s, at('2026-01-11T06:00:00Z'))).toBe(false); // 07:00: end is exclusive
  });
  it('a daytime window, none, and start = end (never quiet)', () => {
    expect(inQuietHours(quiet('09:00', '17:00'), at('2026-01-10T12:00:00Z'))).toBe(true);
    expect(inQuietHours(quiet('09:00', '17:00'), at('2026-01-10T18:00:00Z'))).toBe(false);
    expect(inQuietHours(quiet('09:00', '09:00'), at('2026-01-10T09:00:00Z'))).toBe(false);
    expect(inQuietHours({ devices: null, quietHours: null }, at('2026-01-10T12:00:00Z'))).toBe(
      false,
    );
  });
  it('follows daylight saving time', () => {
    const s = quiet('08:00', '09:00', 'America/New_York');
    expect(inQuietHours(s, at('2026-01-10T13:30:00Z'))).toBe(true); // EST: 08:30
    expect(inQuietHours(s, at('2026-07-10T12:30:00Z'))).toBe(true); // EDT: 08:30
    expect(inQuietHours(s, at('2026-07-10T13:30:00Z'))).toBe(false); // EDT: 09:30
  });
});

describe('door and camera choice', () => {
  it('null means everything; a list means only those (site and device both match)', () => {
    expect(wantsDevice({ devices: null, quietHours: null }, 's', 'd')).toBe(true);
    const s = { devices: [{ siteId: 's', deviceId: 'd' }], quietHours: null };
    expect(wantsDevice(s, 's', 'd')).toBe(true);
    expect(wantsDevice(s, 's', 'e')).toBe(false);
    expect(wantsDevice(s, 't', 'd')).toBe(false);
  });
});
