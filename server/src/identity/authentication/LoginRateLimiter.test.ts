import { describe, expect, it } from 'vitest';
import { LoginRateLimiter } from './LoginRateLimiter.ts';

function setup(o: ConstructorParameters<typeof LoginRateLimiter>[0] = {}) {
  let t = 1_700_000_000_000;
  const limiter = new LoginRateLimiter({ ...o, now: () => t });
  return { limiter, advance: (seconds: number) => (t += seconds * 1000) };
}

describe('LoginRateLimiter', () => {
  it('locks a key for 1 min after 5 failures within 15 min', () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 4; i++) {
      expect(limiter.recordFailureNow('k')).toBe(0);
      advance(60);
    }
    expect(limiter.retryAfterSecondsNow('k')).toBe(0);
    expect(limiter.recordFailureNow('k')).toBe(60);
    expect(limiter.retryAfterSecondsNow('k')).toBe(60);
    advance(59.5);
    expect(limiter.retryAfterSecondsNow('k')).toBe(1);
    advance(0.5);
    expect(limiter.retryAfterSecondsNow('k')).toBe(0);
    expect(limiter.retryAfterSecondsNow('other')).toBe(0);
  });

  it('doubles the lock on every failure after a lockout, up to 1 h', () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 4; i++) limiter.recordFailureNow('k');
    const locks: number[] = [];
    for (let i = 0; i < 9; i++) {
      const lock = limiter.recordFailureNow('k');
      locks.push(lock);
      advance(lock);
    }
    expect(locks).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
  });

  it('does not lock failures spread wider than the window', () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 20; i++) {
      expect(limiter.recordFailureNow('k')).toBe(0);
      advance(4 * 60); // 4 min apart: never 5 within 15 min
    }
  });

  it('forgives a key that stays quiet for a window after its lockout', () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 5; i++) limiter.recordFailureNow('k');
    advance(60 + 15 * 60 + 1);
    expect(limiter.recordFailureNow('k')).toBe(0);
    expect(limiter.size).toBe(1);
  });

  it('reset forgets a key', () => {
    const { limiter } = setup();
    for (let i = 0; i < 5; i++) limiter.recordFailureNow('k');
    limiter.resetNow('k');
    expect(limiter.retryAfterSecondsNow('k')).toBe(0);
    expect(limiter.recordFailureNow('k')).toBe(0);
  });

  it('stays bounded, evicting the least recently failed key', () => {
    const { limiter } = setup({ maxEntries: 3, maxFailures: 1 });
    for (const key of ['a', 'b', 'c']) limiter.recordFailureNow(key);
    limiter.recordFailureNow('a'); // 'a' is now the most recent
    limiter.recordFailureNow('d');
    expect(limiter.size).toBe(3);
    expect(limiter.retryAfterSecondsNow('b')).toBe(0);
    expect(limiter.retryAfterSecondsNow('a')).toBeGreaterThan(0);
    expect(limiter.retryAfterSecondsNow('d')).toBeGreaterThan(0);
  });
});
