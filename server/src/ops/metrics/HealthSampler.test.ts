import { describe, expect, it } from 'vitest';
import { HealthSampler } from './HealthSampler.ts';
import type { RtpTotals, WorkerCpu } from './MediaStats.ts';

const rtp = (bytes: number): RtpTotals => ({
  bytes,
  packets: 0,
  packetsLost: 0,
  nacks: 0,
  plis: 0,
});

/** MediaStats as the sampler reads it, with numbers the test sets and a clock it moves. */
function fakeMedia() {
  const state = {
    polledAt: 0,
    totals: { in: rtp(0), out: rtp(0) },
    workerCpu: [] as WorkerCpu[],
    refresh: async () => undefined,
  };
  return state;
}

describe('HealthSampler', () => {
  it('turns monotonic totals into rates: bits per second and % of a core per worker', async () => {
    const media = fakeMedia();
    let sockets = 3;
    const sampler = new HealthSampler({
      media,
      numWorkers: 2,
      sockets: () => sockets,
      activeRecorders: () => 1,
      intervalMs: 5_000,
      windowSeconds: 3_600,
    });
    media.polledAt = 1_000_000;
    media.totals = { in: rtp(1_000), out: rtp(500) };
    media.workerCpu = [
      { index: 0, cpuSeconds: 10 },
      { index: 1, cpuSeconds: 20 },
    ];
    await sampler.sample();
    // 5 s later: 250 kB in (400 kbit/s), 500 kB out (800 kbit/s), worker 0 busy 2.5 s of 5 s.
    media.polledAt = 1_005_000;
    media.totals = { in: rtp(251_000), out: rtp(500_500) };
    media.workerCpu = [
      { index: 0, cpuSeconds: 12.5 },
      { index: 1, cpuSeconds: 20.25 },
    ];
    sockets = 4;
    await sampler.sample();
    const s = sampler.series();
    sampler.close();
    expect(s.t).toEqual([1_000_000, 1_005_000]);
    expect(s.bitrateInBps).toEqual([null, 400_000]);
    expect(s.bitrateOutBps).toEqual([null, 800_000]);
    expect(s.cpuPercent).toEqual([
      [null, 50],
      [null, 5],
    ]);
    expect(s.sockets).toEqual([3, 4]);
    expect(s.activeRecorders).toEqual([1, 1]);
    expect(s.workers).toBe(2);
    expect(sampler.series(1_000_000).t).toEqual([1_005_000]);
  });

  it('a respawned worker (CPU time went down) has no value for that sample', async () => {
    const media = fakeMedia();
    const sampler = new HealthSampler({
      media,
      numWorkers: 1,
      sockets: () => 0,
      activeRecorders: () => 0,
      intervalMs: 1_000,
      windowSeconds: 60,
    });
    for (const [at, cpu] of [
      [1_000, 30],
      [2_000, 0.2],
      [3_000, 0.7],
    ] as const) {
      media.polledAt = at;
      media.workerCpu = [{ index: 0, cpuSeconds: cpu }];
      await sampler.sample();
    }
    sampler.close();
    expect(sampler.series().cpuPercent[0]).toEqual([null, null, 50]);
  });

  it('keeps only the window: the oldest samples drop out of the ring', async () => {
    const media = fakeMedia();
    const sampler = new HealthSampler({
      media,
      numWorkers: 1,
      sockets: () => 0,
      activeRecorders: () => 0,
      intervalMs: 1_000,
      windowSeconds: 60,
    });
    for (let i = 1; i <= 70; i++) {
      media.polledAt = i * 1_000;
      await sampler.sample();
    }
    sampler.close();
    const { t } = sampler.series();
    expect(t).toHaveLength(60);
    expect(t[0]).toBe(11_000);
    expect(t.at(-1)).toBe(70_000);
  });
});
