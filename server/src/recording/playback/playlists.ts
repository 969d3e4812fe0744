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
  /** Live only: Low-Latency HLS parts (absent: a plain sliding-window playlist). */
  lowLatency?: LowLatency;
}

/** What a playlist needs of a segment (index rows, or a segment still in memory). */
export type PlaylistSegment = Pick<SegmentRecord, 'seq' | 'runId' | 'producerTime' | 'durationMs'>;

/** An EXT-X-PART: one fragment of a segment. */
export interface PartView {
  durationMs: number;
  independent: boolean;
}

/** The LL-HLS additions to a live playlist (RFC 8216bis §4.4.4.9, §4.4.5.2, §4.4.3.8). */
export interface LowLatency {
  /** EXT-X-PART-INF:PART-TARGET; fixed for the stream (players plan with it). */
  partTargetMs: number;
  /** Parts of listed segments by sequence number; only the last few segments carry them. */
  parts: ReadonlyMap<number, readonly PartView[]>;
  /** The segment being written: its parts follow the last full segment, then the hint. */
  open: (PlaylistSegment & { parts: readonly PartView[] }) | null;
  /** Nothing is being written (recorder stopped, mode not persisting): no hint to wait on. */
  idle?: boolean;
}

/** PART-HOLD-BACK in part targets: RFC 8216bis asks for at least 2, Apple for 3. */
export const PART_HOLD_BACK_PARTS = 3;

/** URI of a part, relative to the playlist (the signed token stays in the path). */
export function partUri(seq: number, part: number): string {
  return `part/${seq}.${part}.m4s`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** True when `next` does not continue `prev` seamlessly (new run, or a hole in camera time). */
export function breaksBetween(prev: PlaylistSegment, next: PlaylistSegment): boolean {
  if (prev.runId !== next.runId) return true;
  return Math.abs(next.producerTime - (prev.producerTime + prev.durationMs)) > GAP_TOLERANCE_MS;
}

/**
 * An HLS media playlist (fMP4) built from index rows. Each run has its own init segment
 * (EXT-X-MAP); runs changes and holes are marked with EXT-X-DISCONTINUITY and a fresh
 * EXT-X-PROGRAM-DATE-TIME, so players keep wall-clock positions right across gaps.
 *
 * With `lowLatency` (live): the last segments also list their parts (EXT-X-PART), the segment
 * being written follows as parts only, and EXT-X-PRELOAD-HINT names the next part. Full segments
 * stay listed, so players that ignore LL-HLS play the same playlist as before.
 */
export function mediaPlaylist(
  segments: readonly PlaylistSegment[],
  runs: ReadonlyMap<string, RecordingRun>,
  o: PlaylistOptions,
): string {
  const maxMs = Math.max(o.segmentMs, ...segments.map((s) => s.durationMs));
  const ll = o.kind === 'live' ? o.lowLatency : undefined;
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    // RFC 8216: each EXTINF rounded to the nearest integer must not exceed it. Rounding (not
    // ceil) keeps 2.004 s segments at 2, and hls.js holds back 2-3 target durations.
    `#EXT-X-TARGETDURATION:${Math.max(1, Math.round(maxMs / 1000))}`,
  ];
  if (ll) {
    lines.push(
      `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${seconds(PART_HOLD_BACK_PARTS * ll.partTargetMs)}`,
      `#EXT-X-PART-INF:PART-TARGET=${seconds(ll.partTargetMs)}`,
    );
  }
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${segments[0]?.seq ?? ll?.open?.seq ?? 0}`);
  if (o.kind === 'vod') lines.push('#EXT-X-PLAYLIST-TYPE:VOD');
  else lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${o.discontinuitySequence ?? 0}`);
  lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
  let prev: PlaylistSegment | undefined;
  const head = (s: PlaylistSegment): void => {
    if (prev && breaksBetween(prev, s)) lines.push('#EXT-X-DISCONTINUITY');
    if (!prev || prev.runId !== s.runId) lines.push(`#EXT-X-MAP:URI="init/${s.runId}.mp4"`);
    if (!prev || breaksBetween(prev, s))
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${isoTime(s.producerTime)}`);
  };
  const partLines = (seq: number, parts: readonly PartView[]): void => {
    for (const [i, p] of parts.entries()) {
      const independent = p.independent ? ',INDEPENDENT=YES' : '';
      lines.push(
        `#EXT-X-PART:DURATION=${seconds(p.durationMs)},URI="${partUri(seq, i)}"${independent}`,
      );
    }
  };
  for (const s of segments) {
    if (!runs.has(s.runId)) continue;
    head(s);
    const parts = ll?.parts.get(s.seq);
    if (parts) partLines(s.seq, parts);
    lines.push(`#EXTINF:${seconds(s.durationMs)},`);
    lines.push(`seg/${s.seq}.m4s`);
    prev = s;
  }
  if (ll) {
    const edge = liveEdge(segments, runs, ll);
    if (edge.open) {
      head(edge.open);
      partLines(edge.open.seq, edge.open.parts);
    }
    if (edge.hint)
      lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${partUri(edge.hint.msn, edge.hint.part)}"`);
  }
  if (o.kind === 'vod') lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}

/** Where a live LL-HLS playlist ends, as blocking reloads and preload hints see it. */
export interface LiveEdgeView {
  /** Sequence number of the last full segment listed (-1: none). */
  lastMsn: number;
  /** The segment being written, when its parts are listed (its run's init is playable). */
  open: (PlaylistSegment & { parts: readonly PartView[] }) | null;
  /** The part EXT-X-PRELOAD-HINT names: the next one to appear (none before a first segment). */
  hint: { msn: number; part: number } | null;
}

/** The edge of what `mediaPlaylist` lists with these inputs (pure; shared by render and wait). */
export function liveEdge(
  segments: readonly PlaylistSegment[],
  runs: ReadonlyMap<string, RecordingRun>,
  ll: LowLatency,
): LiveEdgeView {
  const listed = segments.filter((s) => runs.has(s.runId));
  const lastMsn = listed[listed.length - 1]?.seq ?? -1;
  const o = ll.open;
  // A new run's init is not stored before its first segment: its parts cannot be played yet.
  if (o && o.seq === lastMsn + 1 && runs.has(o.runId) && o.parts.length > 0) {
    return { lastMsn, open: o, hint: { msn: o.seq, part: o.parts.length } };
  }
  if (o && o.seq === lastMsn + 1 && !runs.has(o.runId)) return { lastMsn, open: null, hint: null };
  const hint = lastMsn >= 0 && !ll.idle ? { msn: lastMsn + 1, part: 0 } : null;
  return { lastMsn, open: null, hint };
}

/** A blocking reload (`_HLS_msn`, `_HLS_part`), judged against the playlist's edge. */
export type BlockingVerdict = 'ready' | 'wait' | 'too-far';

/** How far ahead of the last part a request may block (RFC 8216bis: Advance Part Limit). */
const ADVANCE_PART_LIMIT = 3;

/**
 * RFC 8216bis §6.2.5.2: ready once the playlist holds segment `msn` (or, with `part`, that part
 * of it, or anything later); too far when `msn` is beyond the last segment + 2, or `part` more
 * than the Advance Part Limit beyond the last part.
 */
export function blockingVerdict(
  edge: LiveEdgeView,
  want: { msn: number; part?: number | undefined },
): BlockingVerdict {
  if (want.part === undefined) {
    if (want.msn <= edge.lastMsn) return 'ready';
    return want.msn > edge.lastMsn + 2 ? 'too-far' : 'wait';
  }
  if (want.msn <= edge.lastMsn) return 'ready';
  const openParts = edge.open?.parts.length ?? 0;
  if (want.msn === edge.lastMsn + 1) {
    if (want.part < openParts) return 'ready';
    // Parts beyond the last one listed (the hint, openParts, is 1 ahead).
    return want.part - (openParts - 1) > ADVANCE_PART_LIMIT ? 'too-far' : 'wait';
  }
  if (want.msn > edge.lastMsn + 2) return 'too-far';
  // The segment after the one being written: at least its part + 1 parts ahead.
  return want.part + 1 > ADVANCE_PART_LIMIT ? 'too-far' : 'wait';
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
