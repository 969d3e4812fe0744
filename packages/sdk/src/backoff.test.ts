import { describe, expect, it } from 'vitest';
import { backoffDelay, mayRetry, resolvePolicy, sleep } from './backoff.ts';
import { DEFAULT_RECONNECT_POLICY, type ReconnectPolicy } from './defaults.ts';

const noJitter: ReconnectPolicy = {
  initialDelayMs: 100,
  maxDelayMs: 1_000,
  multiplier: 2,
  jitter: 0,
  maxAttempts: 5,
};

describe('backoffDelay', () => {
  it('grows geometrically from the initial delay', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(noJitter, n))).toEqual([100, 200, 400, 800]);
  });

  it('caps at maxDelayMs', () => {
    expect(backoffDelay(noJitter, 5)).toBe(1_000);
    expect(backoffDelay(noJitter, 50)).toBe(1_000);
  });

  it('spreads by at most ±jitter and never exceeds the cap', () => {
    const p = { ...noJitter, jitter: 0.5 };
    expect(backoffDelay(p, 1, () => 0)).toBe(50);
    expect(backoffDelay(p, 1, () => 1)).toBe(150);
    expect(backoffDelay(p, 5, () => 1)).toBe(1_000);
  });

  it('treats attempt 0 like attempt 1', () => {
    expect(backoffDelay(noJitter, 0)).toBe(100);
  });
});

describe('mayRetry', () => {
  it('respects maxAttempts', () => {
    expect(mayRetry(noJitter, 5)).toBe(true);
    expect(mayRetry(noJitter, 6)).toBe(false);
    expect(mayRetry(DEFAULT_RECONNECT_POLICY, 1e9)).toBe(true);
  });
});

describe('resolvePolicy', () => {
  it('merges overrides over defaults, ignoring undefined', () => {
    const p = resolvePolicy(DEFAULT_RECONNECT_POLICY, { maxAttempts: 3 });
    expect(p).toEqual({ ...DEFAULT_RECONNECT_POLICY, maxAttempts: 3 });
    expect(resolvePolicy(DEFAULT_RECONNECT_POLICY, undefined)).toEqual(DEFAULT_RECONNECT_POLICY);
  });

  it('rejects nonsense', () => {
    expect(() => resolvePolicy(noJitter, { multiplier: 0.5 })).toThrow(RangeError);
    expect(() => resolvePolicy(noJitter, { initialDelayMs: 5_000 })).toThrow(RangeError);
  });
});

describe('sleep', () => {
  it('rejects with the abort reason', async () => {
    const controller = new AbortController();
    const p = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});
