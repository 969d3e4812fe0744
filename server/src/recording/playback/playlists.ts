import type { RecordingRun, SegmentRecord } from '../types.ts';

/** Consecutive segments further apart than this (camera time) are a gap. */
const GAP_TOLERANCE_MS = 500;

export interface PlaylistOptions {
  /** `live`: sliding window, no ENDLIST. `vod`: whole range, ENDLIST. */
  kind: 'live' | 'vod';
  /** Live: discontinuities that slid out of the window (EXT-X-DISCONTINUITY-SEQUENCE). */
  discontinuitySequence?: number;
  /** Nominal segment length (the target duration is at least this). */
  segmentMs: number;
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** True when `next` does not continue `prev` seamlessly (new run, or a hole in camera time). */
export function breaksBetween(prev: SegmentRecord, next: SegmentRecord): boolean {
  if (prev.runId !== next.runId) return true;
  return Math.abs(next.producerTime - (prev.producerTime + prev.durationMs)) > GAP_TOLERANCE_MS;
}

/**
 * An HLS media playlist (fMP4) built from index rows. Each run has its own init segment
 * (EXT-X-MAP); runs changes and holes are marked with EXT-X-DISCONTINUITY and a fresh
 * EXT-X-PROGRAM-DATE-TIME, so players keep wall-clock positions right across gaps.
 */
export function mediaPlaylist(
  segments: readonly SegmentRecord[],
  runs: ReadonlyMap<string, RecordingRun>,
  o: PlaylistOptions,
): string {
  const maxMs = Math.max(o.segmentMs, ...segments.map((s) => s.durationMs));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    // RFC 8216: each EXTINF rounded to the nearest integer must not exceed it. Rounding (not
    // ceil) keeps 2.004 s segments at 2, and hls.js holds back 2-3 target durations.
    `#EXT-X-TARGETDURATION:${Math.max(1, Math.round(maxMs / 1000))}`,
    `#EXT-X-MEDIA-SEQUENCE:${segments[0]?.seq ?? 0}`,
  ];
  if (o.kind === 'vod') lines.push('#EXT-X-PLAYLIST-TYPE:VOD');
  else lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${o.discontinuitySequence ?? 0}`);
  lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  let prev: SegmentRecord | undefined;
  for (const s of segments) {
    if (!runs.has(s.runId)) continue;
    if (prev && breaksBetween(prev, s)) lines.push('#EXT-X-DISCONTINUITY');
    if (!prev || prev.runId !== s.runId) lines.push(`#EXT-X-MAP:URI="init/${s.runId}.mp4"`);
    if (!prev || breaksBetween(prev, s))
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${isoTime(s.producerTime)}`);
    lines.push(`#EXTINF:${(s.durationMs / 1000).toFixed(3)},`);
    lines.push(`seg/${s.seq}.m4s`);
    prev = s;
  }
  if (o.kind === 'vod') lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}

export interface TimeRange {
  from: number;
  to: number;
}

/**
 * Recorded ranges (merged) and the gaps between them inside [from, to]. A range also ends where
 * the run changes (a new init segment: another resolution after a simulcast switch, or a restarted
 * recorder), even without a gap: a range is what one clip can cover.
 */
export function timeline(
  segments: readonly SegmentRecord[],
  from: number,
  to: number,
): { ranges: TimeRange[]; gaps: TimeRange[] } {
  const ranges: TimeRange[] = [];
  let run: string | undefined;
  for (const s of segments) {
    const start = Math.max(from, s.producerTime);
    const end = Math.min(to, s.producerTime + s.durationMs);
    if (end <= start) continue;
    const last = ranges[ranges.length - 1];
    if (last && s.runId === run && start - last.to <= GAP_TOLERANCE_MS)
      last.to = Math.max(last.to, end);
    else ranges.push({ from: start, to: end });
    run = s.runId;
  }
  const gaps: TimeRange[] = [];
  let cursor = from;
  for (const r of ranges) {
    if (r.from > cursor) gaps.push({ from: cursor, to: r.from });
    cursor = r.to;
  }
  if (cursor < to) gaps.push({ from: cursor, to });
  return { ranges, gaps };
}
