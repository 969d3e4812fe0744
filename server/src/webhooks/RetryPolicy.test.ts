import { describe, expect, it } from 'vitest';
import { retryDelay } from './RetryPolicy.ts';

const policy = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 60_000 };

describe('retry delays (exponential backoff, full jitter)', () => {
  it('doubles the cap per attempt up to the maximum', () => {
    const almostOne = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => retryDelay(policy, a, almostOne))).toEqual([
      999, 1999, 3999, 7999, 15_999, 31_999, 59_999, 59_999,
    ]);
  });

  it('spreads each delay uniformly from zero to the cap', () => {
    expect(retryDelay(policy, 3, () => 0)).toBe(0);
    expect(retryDelay(policy, 3, () => 0.5)).toBe(2000);
    expect(retryDelay(policy, 3, () => 0.25)).toBe(1000);
  });

  it('never exceeds the maximum even for huge attempt numbers', () => {
    expect(retryDelay(policy, 200, () => 0.999)).toBeLessThan(60_000);
  });
});
