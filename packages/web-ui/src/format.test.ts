import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatBitrate,
  formatBytes,
  formatTime,
  fromLocalInput,
  toLocalInput,
} from './format.ts';

describe('formatAgo', () => {
  const now = 1_750_000_000_000;
  it('says "just now" under a minute, then minutes and hours', () => {
    expect(formatAgo(now - 59_000, now)).toBe('just now');
    expect(formatAgo(now - 60_000, now)).toBe('1 min ago');
    expect(formatAgo(now - 59 * 60_000, now)).toBe('59 min ago');
    expect(formatAgo(now - 3_600_000, now)).toBe('1 h ago');
    expect(formatAgo(now - 23 * 3_600_000, now)).toBe('23 h ago');
  });
  it('gives the absolute time past a day', () => {
    const then = now - 86_400_000;
    expect(formatAgo(then, now)).toBe(formatTime(then));
  });
});

describe('formatBitrate', () => {
  it('uses kbit/s below 1 Mbit/s and one decimal above', () => {
    expect(formatBitrate(0)).toBe('0 kbit/s');
    expect(formatBitrate(999_400)).toBe('999 kbit/s');
    expect(formatBitrate(1_000_000)).toBe('1.0 Mbit/s');
    expect(formatBitrate(2_460_000)).toBe('2.5 Mbit/s');
  });
});

describe('formatBytes', () => {
  it('uses decimal units, one decimal below 100', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.0 kB');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
    expect(formatBytes(250_000_000_000)).toBe('250 GB');
    expect(formatBytes(5_000_000_000_000_000)).toBe('5000 TB');
  });
});

describe('datetime-local values', () => {
  it('reads a local date and time; empty or malformed is undefined', () => {
    expect(fromLocalInput('2025-06-01T18:30')).toBe(new Date(2025, 5, 1, 18, 30).getTime());
    expect(fromLocalInput('')).toBeUndefined();
    expect(fromLocalInput('not a date')).toBeUndefined();
  });
  it('writes local time with seconds, zero-padded, and reads back the same instant', () => {
    const ms = new Date(2025, 0, 2, 3, 4, 5).getTime();
    expect(toLocalInput(ms)).toBe('2025-01-02T03:04:05');
    expect(fromLocalInput(toLocalInput(ms))).toBe(ms);
  });
});
