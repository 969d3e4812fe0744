import { describe, expect, it } from 'vitest';
import { BudgetController, type EncoderSample } from './BudgetController.ts';

/** Feeds one sample a second from t = 0 (the controller has no clock of its own). */
function feed(
  c: BudgetController,
  from: number,
  seconds: number,
  sample: Omit<EncoderSample, 't'>,
): number[] {
  const budgets: number[] = [];
  for (let s = 0; s < seconds; s++)
    budgets.push(c.observe({ ...sample, t: from + s * 1000 }).budget);
  return budgets;
}

const healthy = { fps: 15, captureFps: 15, cpuLimited: false, lagP95Ms: 4 };

describe('BudgetController', () => {
  it('raises the budget one step per healthy stretch up to the ceiling', () => {
    const c = new BudgetController();
    expect(c.budget).toBe(0.5);
    const budgets = feed(c, 0, 30, healthy);
    // A raise every 3 s of health: 0.6 at 3 s, ... 1.0 at 15 s, then it stays.
    expect(budgets.slice(0, 4)).toEqual([0.5, 0.5, 0.5, 0.6]);
    expect(budgets[15]).toBe(1);
    expect(budgets.at(-1)).toBe(1);
    expect(c.state).toMatchObject({ mode: 'max', trouble: null, referenceFps: 15, fps: 15 });
  });

  it('halves at once when the encoder loses its frame rate, then holds before raising again', () => {
    const c = new BudgetController();
    feed(c, 0, 16, healthy);
    expect(c.budget).toBe(1);
    // The encoder drops from 15 to 12 fps (more than 10 % below what it kept).
    expect(c.observe({ ...healthy, fps: 12, t: 16_000 })).toMatchObject({
      budget: 0.5,
      mode: 'backing-off',
      trouble: 'fps',
      referenceFps: 15,
    });
    // Still low 1 s later: not again yet (fps is a 1 s average); 2 s later: again.
    expect(c.observe({ ...healthy, fps: 12, t: 17_000 }).budget).toBe(0.5);
    expect(c.observe({ ...healthy, fps: 12, t: 18_000 }).budget).toBe(0.25);
    // Recovered: held for 10 s after the last back-off, then raised step by step.
    const after = feed(c, 19_000, 20, healthy);
    expect(after.slice(0, 9).every((b) => b === 0.25)).toBe(true);
    expect(c.state.mode).toBe('raising');
    expect(after.at(-1)).toBeGreaterThan(0.25);
    expect(after.at(-1)).toBeLessThan(1);
  });

  it('a small dip within the tolerance is not trouble', () => {
    const c = new BudgetController();
    feed(c, 0, 5, healthy);
    expect(c.observe({ ...healthy, fps: 14.2, t: 5000 }).mode).not.toBe('backing-off');
  });

  it('backs off when the encoder says it is CPU-limited or the page lags', () => {
    const cpu = new BudgetController({ initial: 0.8 });
    feed(cpu, 0, 2, healthy);
    expect(cpu.observe({ ...healthy, cpuLimited: true, t: 2000 })).toMatchObject({
      budget: 0.4,
      trouble: 'cpu',
    });
    const lag = new BudgetController({ initial: 0.8, raiseAfterMs: 60_000 });
    feed(lag, 0, 2, healthy);
    // One spike is noise on a busy device; two samples in a row are the page starving.
    expect(lag.observe({ ...healthy, lagP95Ms: 40, t: 2000 })).toMatchObject({ budget: 0.8 });
    expect(lag.observe({ ...healthy, lagP95Ms: 4, t: 3000 })).toMatchObject({ budget: 0.8 });
    expect(lag.observe({ ...healthy, lagP95Ms: 40, t: 4000 })).toMatchObject({ budget: 0.8 });
    expect(lag.observe({ ...healthy, lagP95Ms: 35, t: 5000 })).toMatchObject({
      budget: 0.4,
      trouble: 'lag',
    });
  });

  it('never goes below the floor; a drop that outlasts the window at the floor becomes the reference', () => {
    const c = new BudgetController({ min: 0.2 });
    feed(c, 0, 5, healthy);
    // The camera's rate falls for good (low light, another app): the detector is not the cause.
    feed(c, 5000, 40, { ...healthy, fps: 7 });
    expect(c.state).toMatchObject({ budget: 0.2, mode: 'backing-off', referenceFps: 15 });
    feed(c, 45_000, 40, { ...healthy, fps: 7 });
    expect(c.state.referenceFps).toBe(7);
    expect(c.state.mode).not.toBe('backing-off');
    feed(c, 85_000, 30, { ...healthy, fps: 7 });
    expect(c.budget).toBeGreaterThan(0.2);
  });

  it('on a busy device that lags anyway, the lag it has at the floor becomes its normal', () => {
    const c = new BudgetController({ min: 0.2 });
    feed(c, 0, 3, healthy);
    // Another program keeps the page at 40-50 ms of lag, whatever the detector does.
    const busy = (t: number, n: number, lag: (i: number) => number) => {
      for (let i = 0; i < n; i++) c.observe({ ...healthy, lagP95Ms: lag(i), t: t + i * 1000 });
    };
    busy(3000, 30, (i) => 40 + (i % 3) * 5);
    expect(c.state).toMatchObject({ budget: 0.2, trouble: 'lag', lagLimitMs: 16 });
    busy(33_000, 45, (i) => 40 + (i % 3) * 5);
    // A minute at the floor without relief: 45 ms is this page's normal, 1.5 x is the limit.
    expect(c.state.lagLimitMs).toBeCloseTo(67.5, 5);
    expect(c.state.mode).not.toBe('backing-off');
    busy(78_000, 20, (i) => 40 + (i % 3) * 5);
    expect(c.budget).toBeGreaterThan(0.4);
    // The detector now starves the page beyond its normal: backed off again.
    const before = c.budget;
    busy(98_000, 3, () => 90);
    expect(c.budget).toBeLessThan(before);
    expect(c.state.trouble).toBe('lag');
    // The neighbour goes away: the normal limit again.
    busy(101_000, 1, () => 5);
    expect(c.state.lagLimitMs).toBe(16);
  });

  it('an encoder CPU-limited all along at the floor stops counting, until it is not limited once', () => {
    const c = new BudgetController({ min: 0.2, referenceWindowMs: 20_000 });
    const budgets = feed(c, 0, 60, { ...healthy, cpuLimited: true });
    // Down to the floor within seconds; 20 s there, and it is the device's normal.
    expect(budgets[10]).toBe(0.2);
    expect(budgets[20]).toBe(0.2);
    expect(c.state.ambientCpu).toBe(true);
    expect(c.budget).toBeGreaterThan(0.2);
    // Once unlimited, a CPU limitation counts again.
    feed(c, 60_000, 1, healthy);
    const before = c.budget;
    expect(c.observe({ ...healthy, cpuLimited: true, t: 61_000 })).toMatchObject({
      trouble: 'cpu',
      ambientCpu: false,
    });
    expect(c.budget).toBeLessThan(before);
  });

  it('the reference is the best rate seen lately, capped by the capture rate', () => {
    const c = new BudgetController({ referenceWindowMs: 10_000 });
    // A 30 fps capture whose encoder only ever reaches 24 (its own adaptation): 24 is the reference.
    feed(c, 0, 5, { ...healthy, fps: 24, captureFps: 30 });
    expect(c.state).toMatchObject({ referenceFps: 24, trouble: null });
    // Without fps in the stats (unknown), only CPU and lag count.
    expect(c.observe({ ...healthy, fps: null, t: 5000 }).mode).not.toBe('backing-off');
    // The capture rate caps a reading above it (a stats glitch).
    const d = new BudgetController();
    d.observe({ ...healthy, fps: 40, captureFps: 15, t: 0 });
    expect(d.state.referenceFps).toBe(15);
  });

  it('refuses impossible bounds', () => {
    expect(() => new BudgetController({ min: 0 })).toThrow(RangeError);
    expect(() => new BudgetController({ min: 0.6, max: 0.5 })).toThrow(RangeError);
    expect(() => new BudgetController({ max: 1.5 })).toThrow(RangeError);
    expect(() => new BudgetController({ backoff: 1 })).toThrow(RangeError);
    expect(new BudgetController({ initial: 3 }).budget).toBe(1);
  });
});
