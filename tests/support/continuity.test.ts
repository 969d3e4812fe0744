import { describe, expect, it } from 'vitest';
import { checkContinuity, type RecordedSegment } from './continuity.ts';

/** Back-to-back 2 s segments from `t0`, in one run unless `runs` says where a run starts. */
function segments(t0: number, n: number, runAt: number[] = []): RecordedSegment[] {
  let run = 0;
  return Array.from({ length: n }, (_, i) => {
    if (runAt.includes(i)) run++;
    return { seq: i, runId: `r${run}`, producerTime: t0 + i * 2000, durationMs: 2000 };
  });
}

describe('checkContinuity', () => {
  it('passes a seamless recording across a run change, and reports the edges', () => {
    const r = checkContinuity(segments(1_300, 5, [2]), [
      { id: 'p1', firstAt: 1_000, lastAt: 11_000 },
    ]);
    expect(r.problems).toEqual([]);
    expect(r.spans).toEqual([
      {
        id: 'p1',
        startDelayMs: 300,
        endLossMs: -300,
        maxGapMs: 0,
        maxOverlapMs: 0,
        segments: 5,
        runs: 2,
      },
    ]);
  });

  it('finds a hole, an overlap, a late start and a lost tail', () => {
    const s = segments(2_500, 5);
    s[2]!.producerTime += 700; // hole of 700 ms before it, overlap of 700 ms after it
    const r = checkContinuity(s, [{ id: 'p1', firstAt: 1_000, lastAt: 14_000 }]);
    expect(r.problems).toEqual([
      'p1: 700 ms hole between segments 1 and 2',
      'p1: segments 2 and 3 overlap by 700 ms',
      'p1: recording started 1500 ms after the media',
      'p1: the last 1500 ms of media were not recorded',
    ]);
  });

  it('allows a layer switch (run change) a hole up to runChangeMs, never more', () => {
    const small = segments(1_000, 4, [2]);
    for (const seg of small.slice(2)) seg.producerTime += 300;
    const span = [{ id: 'p1', firstAt: 1_000, lastAt: 9_300 }];
    expect(checkContinuity(small, span).problems).toEqual([]);
    const large = segments(1_000, 4, [2]);
    for (const seg of large.slice(2)) seg.producerTime += 800;
    expect(checkContinuity(large, [{ ...span[0]!, lastAt: 9_800 }]).problems).toEqual([
      'p1: 800 ms hole between segments 1 and 2 (run change)',
    ]);
  });

  it('checks each span on its own: the hole between two cameras sessions is not a seam', () => {
    const a = segments(1_000, 3); // 1 000 .. 7 000
    const b = segments(10_200, 3).map((s) => ({ ...s, seq: s.seq + 3, runId: 'r9' }));
    const r = checkContinuity(
      [...a, ...b],
      [
        { id: 'p1', firstAt: 900, lastAt: 7_100 },
        { id: 'p2', firstAt: 9_500, lastAt: 16_300 },
      ],
    );
    expect(r.problems).toEqual([]);
    expect(r.spans.map((s) => [s.startDelayMs, s.endLossMs, s.segments])).toEqual([
      [100, 100, 3],
      [700, 100, 3],
    ]);
  });

  it('keeps a segment to its own span when the next one starts less than a second later', () => {
    // 1 000 .. 7 400, the last segment short (the recorder stopped with the camera).
    const a = [
      ...segments(1_000, 3),
      { seq: 3, runId: 'r0', producerTime: 7_000, durationMs: 400 },
    ];
    const b = segments(8_200, 3).map((s) => ({ ...s, seq: s.seq + 4, runId: 'r9' }));
    const r = checkContinuity(
      [...a, ...b],
      [
        { id: 'p1', firstAt: 900, lastAt: 7_450 },
        { id: 'p2', firstAt: 7_900, lastAt: 14_300 },
      ],
    );
    expect(r.problems).toEqual([]);
    expect(r.spans.map((s) => s.segments)).toEqual([4, 3]);
  });

  it('reports a span with nothing recorded', () => {
    const r = checkContinuity([], [{ id: 'p1', firstAt: 0, lastAt: 5_000 }]);
    expect(r.problems).toEqual(['p1: nothing recorded of 5000 ms of media']);
  });
});
