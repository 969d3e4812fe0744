import type { SegmentRecord } from '../types.ts';

/**
 * A range edge may touch a neighbouring run by a few ms: camera times are rounded to the ms per
 * segment, so where one run ends gaplessly into the next (a resolution change) the last segment
 * of the first can end 1 ms after the second begins. Less than this of another run at an edge is
 * rounding or a click a frame off, not media the user asked for.
 */
export const EDGE_SLOP_MS = 100;

function overlap(s: SegmentRecord, from: number, to: number): number {
  return Math.min(s.producerTime + s.durationMs, to) - Math.max(s.producerTime, from);
}

/** Drops edge segments of another run that overlap [from, to) by less than EDGE_SLOP_MS (clips and
 * on-demand playlists: a range drawn on the timeline up to a resolution change is one run). */
export function trimRunEdges(
  segments: readonly SegmentRecord[],
  from: number,
  to: number,
): SegmentRecord[] {
  let start = 0;
  let end = segments.length;
  while (
    end - start > 1 &&
    segments[start]!.runId !== segments[start + 1]!.runId &&
    overlap(segments[start]!, from, to) < EDGE_SLOP_MS
  )
    start++;
  while (
    end - start > 1 &&
    segments[end - 1]!.runId !== segments[end - 2]!.runId &&
    overlap(segments[end - 1]!, from, to) < EDGE_SLOP_MS
  )
    end--;
  return segments.slice(start, end);
}
