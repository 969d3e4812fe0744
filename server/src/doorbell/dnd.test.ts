import { describe, expect, it } from 'vitest';
import { dndActive, isTimeZone } from './dnd.ts';

const at = (iso: string): number => Date.parse(iso);
const night = { days: [5], start: '22:00', end: '07:00' }; // Friday night into Saturday

describe('do-not-disturb', () => {
  it('the switch wins over any schedule', () => {
    expect(dndActive({ dndEnabled: true, dndSchedule: [], dndTimeZone: 'UTC' }, 0)).toBe(true);
    expect(dndActive({ dndEnabled: false, dndSchedule: [], dndTimeZone: 'UTC' }, 0)).toBe(false);
  });

  it('a period past midnight covers the next morning, in the schedule time zone', () => {
    const s = { dndEnabled: false, dndSchedule: [night], dndTimeZone: 'Europe/Berlin' };
    // 2026-12-04 is a Friday; Berlin is UTC+1 in December.
    expect(dndActive(s, at('2026-12-04T20:59:00Z'))).toBe(false); // Fri 21:59
    expect(dndActive(s, at('2026-12-04T21:00:00Z'))).toBe(true); // Fri 22:00
    expect(dndActive(s, at('2026-12-05T05:59:00Z'))).toBe(true); // Sat 06:59
    expect(dndActive(s, at('2026-12-05T06:00:00Z'))).toBe(false); // Sat 07:00
    // Saturday night is not in the schedule.
    expect(dndActive(s, at('2026-12-05T22:30:00Z'))).toBe(false);
    // The same instant in UTC terms is another local time elsewhere.
    expect(dndActive({ ...s, dndTimeZone: 'UTC' }, at('2026-12-04T21:30:00Z'))).toBe(false);
  });

  it('a same-day period, and start = end meaning the whole day', () => {
    const lunch = { days: [1, 2, 3, 4, 5], start: '12:00', end: '13:00' };
    const s = { dndEnabled: false, dndSchedule: [lunch], dndTimeZone: 'UTC' };
    expect(dndActive(s, at('2026-12-07T12:30:00Z'))).toBe(true); // Monday
    expect(dndActive(s, at('2026-12-06T12:30:00Z'))).toBe(false); // Sunday
    const sunday = { days: [0], start: '00:00', end: '00:00' };
    const all = { dndEnabled: false, dndSchedule: [sunday], dndTimeZone: 'UTC' };
    expect(dndActive(all, at('2026-12-06T23:59:00Z'))).toBe(true);
    expect(dndActive(all, at('2026-12-07T00:00:00Z'))).toBe(false);
  });

  it('knows real time zones', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
