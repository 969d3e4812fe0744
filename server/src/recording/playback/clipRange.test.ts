import { describe, expect, it } from 'vitest';
import type { SegmentRecord } from '../types.ts';
import { trimRunEdges } from './clipRange.ts';

function seg(seq: number, runId: string, producerTime: number, durationMs = 2000): SegmentRecord {
  return { seq, runId, producerTime, durationMs } as SegmentRecord;
}

describe('trimRunEdges', () => {
  // Run a ends at 4001 (rounding), run b starts at 4000 and ends at 8000, run c follows.
  const segments = [seg(1, 'a', 2001), seg(2, 'b', 4000), seg(3, 'b', 6000), seg(4, 'c', 7999)];

  it("drops another run's segment that only touches an edge by rounding", () => {
    expect(trimRunEdges(segments, 4000, 8000).map((s) => s.seq)).toEqual([2, 3]);
  });

  it('keeps edge segments of another run that hold real media of the range', () => {
    expect(trimRunEdges(segments, 3500, 8500).map((s) => s.seq)).toEqual([1, 2, 3, 4]);
  });

  it('keeps edge segments of the same run, and a lone segment', () => {
    const sameRun = [seg(1, 'b', 3990), seg(2, 'b', 5990)];
    expect(trimRunEdges(sameRun, 5980, 6100).map((s) => s.seq)).toEqual([1, 2]);
    expect(trimRunEdges([seg(1, 'a', 0)], 1990, 2000).map((s) => s.seq)).toEqual([1]);
  });
});
