import type { TimeRange } from '@porchlight/sdk';

/** The default clip length. */
export const DEFAULT_CLIP_MS = 30_000;

/** Positions are read to the second: a range is "around" a time within this much. */
const SLACK_MS = 1_000;

/**
 * The default clip for a position: the 30 s before it, kept inside the recording the position is
 * in. Just after a recording starts (a click at its beginning, or after a gap) the 30 s before
 * would be mostly or only unrecorded, a clip of nothing: the clip then starts with the recording
 * and runs up to 30 s into it instead. Without known ranges it is simply the 30 s before.
 * `bounds` is the timeline's window: ranges it cuts at its start are not taken to start there.
 * `precisionMs`: how coarsely `at` was read (playback positions are floored to the second).
 */
export function defaultClip(
  at: number,
  ranges: readonly TimeRange[] | null,
  bounds?: TimeRange,
  precisionMs = 0,
): TimeRange {
  // The range the position is in; only then one it is next to. Ranges meet where a run changes
  // (another resolution), and a clip must not cross into the next one: the server refuses it.
  // A position read to the second (`precisionMs` 1000) lies in [at, at + 1 s): of the ranges
  // there, the later one, or a floored position just after a run change picks the run before it.
  const range =
    ranges?.findLast((r) => r.from <= at + Math.max(0, precisionMs - 1) && at < r.to) ??
    ranges?.find((r) => r.from - SLACK_MS <= at && at <= r.to + SLACK_MS);
  if (!range) return { from: at - DEFAULT_CLIP_MS, to: at };
  // A range cut by the window's start may go on before it: no reason to stop there.
  const start = bounds && range.from <= bounds.from ? -Infinity : range.from;
  const from = Math.max(start, Math.min(at, range.to) - DEFAULT_CLIP_MS);
  const to = Math.min(range.to, Math.max(at, from + DEFAULT_CLIP_MS));
  return { from, to };
}

/**
 * False when `clip` lies inside the window the timeline knows about and nothing in it is
 * recorded (the download would find nothing). Unknown (true) outside the window or before the
 * timeline is loaded: the server has the last word.
 */
export function mayHoldRecording(
  clip: TimeRange,
  bounds: TimeRange,
  ranges: readonly TimeRange[] | null,
): boolean {
  if (ranges === null || clip.from < bounds.from || clip.to > bounds.to) return true;
  return ranges.some((r) => r.from < clip.to && r.to > clip.from);
}
