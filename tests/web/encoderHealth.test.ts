import { describe, expect, it } from 'vitest';
import { budgetText } from '../../apps/home/src/components/detection/budgetText.ts';
import { readEncoder } from '../../apps/home/src/media/encoderHealth.ts';

/** An RTCStatsReport is a read-only Map of stats by id. */
const report = (entries: object[]): RTCStatsReport =>
  new Map(entries.map((e, i) => [`s${i}`, e])) as unknown as RTCStatsReport;

describe('the camera page reading its encoder for the detection budget', () => {
  it('takes the top simulcast layer and any CPU limitation', () => {
    const stats = report([
      {
        type: 'outbound-rtp',
        kind: 'video',
        rid: 'r0',
        framesPerSecond: 15,
        qualityLimitationReason: 'none',
      },
      {
        type: 'outbound-rtp',
        kind: 'video',
        rid: 'r1',
        framesPerSecond: 14.5,
        qualityLimitationReason: 'cpu',
      },
      { type: 'outbound-rtp', kind: 'audio' },
      { type: 'candidate-pair', framesPerSecond: 99 },
    ]);
    expect(readEncoder(stats)).toStrictEqual({ fps: 15, cpuLimited: true });
  });

  it('knows nothing while the camera is (re)publishing or before the encoder has a rate', () => {
    expect(readEncoder(null)).toStrictEqual({ fps: null, cpuLimited: false });
    expect(readEncoder(report([{ type: 'outbound-rtp', kind: 'video' }]))).toStrictEqual({
      fps: null,
      cpuLimited: false,
    });
  });

  it('says what the budget is and why, as the camera page shows it', () => {
    const base = {
      fps: 15,
      referenceFps: 15,
      lagP95Ms: 3.4,
      cpuLimited: false,
      lagLimitMs: 16,
      ambientCpu: false,
    } as const;
    expect(budgetText({ ...base, budget: 0.6, mode: 'raising', trouble: null })).toBe(
      'CPU budget 60 % of a core (raising; encoder 15/15 fps, lag 3 ms)',
    );
    expect(budgetText({ ...base, fps: 11, budget: 0.3, mode: 'backing-off', trouble: 'fps' })).toBe(
      'CPU budget 30 % of a core (backing off: the encoder lost frames; encoder 11/15 fps, lag 3 ms)',
    );
    expect(
      budgetText({ ...base, fps: null, lagP95Ms: null, budget: 1, mode: 'max', trouble: null }),
    ).toBe('CPU budget 100 % of a core (at its maximum)');
    expect(
      budgetText({
        ...base,
        lagP95Ms: 45,
        lagLimitMs: 67.5,
        ambientCpu: true,
        budget: 0.4,
        mode: 'raising',
        trouble: null,
      }),
    ).toBe(
      'CPU budget 40 % of a core (raising; encoder 15/15 fps, lag 45 ms (a busy device: allowed 68 ms), encoder short of CPU anyway)',
    );
  });
});
