import { describe, expect, it } from 'vitest';
import { StorageIntegral } from './StorageIntegral.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);

const seconds = (rows: ReturnType<StorageIntegral['collect']>) =>
  rows.filter((r) => r.dimension === 'storedByteSeconds').map((r) => [r.hour, r.quantity]);

describe('StorageIntegral', () => {
  it('emits whole byte-seconds and carries the sub-second rest, so totals are floor(integral)', () => {
    const s = new StorageIntegral();
    s.set('s', 'd', 3, T0);
    // 3 bytes for 333 ms = 999 byte-ms: nothing whole yet, the rest is carried.
    expect(seconds(s.collect(T0 + 333))).toEqual([]);
    // 1 ms more: exactly one byte-second.
    expect(seconds(s.collect(T0 + 334))).toEqual([[T0, '1']]);
  });

  it('splits at hour boundaries, ignores a clock stepping back and resumes from a checkpoint', () => {
    const s = new StorageIntegral();
    s.set('s', 'd', 1000, T0 + H - 2000);
    const rows = s.collect(T0 + H + 3000);
    expect(seconds(rows)).toEqual([
      [T0, '2000'],
      [T0 + H, '3000'],
    ]);
    expect(seconds(s.collect(T0))).toEqual([]); // clock went back: nothing, no negative
    const restored = new StorageIntegral();
    restored.restore(s.collect(T0 + H + 3000));
    // Down for 10 s at the checkpointed 1000 bytes, then 0 bytes.
    restored.set('s', 'd', 0, T0 + H + 13_000);
    expect(seconds(restored.collect(T0 + H + 20_000))).toEqual([[T0 + H, '10000']]);
  });
});
