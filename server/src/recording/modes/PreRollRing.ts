import { segmentEnd } from './spans.ts';

/** A segment as the mode machine sees it: where it lies in camera time, and what it carries. */
export interface TimedSegment<T> {
  ref: T;
  /** Unix ms on the camera's media clock (run anchor + decode time). */
  startMs: number;
  durationMs: number;
}

/**
 * Event mode's memory of the recent past, oldest first: the fewest whole segments that still cover
 * the pre-roll back from the newest segment's end.
 */
export class PreRollRing<T> {
  #entries: TimedSegment<T>[] = [];

  get entries(): readonly TimedSegment<T>[] {
    return this.#entries;
  }

  push(segment: TimedSegment<T>, preRollMs: number): void {
    this.#entries.push(segment);
    const newestEnd = segmentEnd(segment.startMs, segment.durationMs);
    // Time decides across a hole in the media; the duration sum bounds the ring when camera time
    // runs backwards (a new run anchored on a corrected clock).
    let rest = this.#entries.reduce((a, e) => a + e.durationMs, 0) - this.#entries[0]!.durationMs;
    while (this.#entries.length > 1) {
      const second = this.#entries[1]!;
      if (second.startMs > newestEnd - preRollMs && rest < preRollMs) break;
      rest -= second.durationMs;
      this.#entries.shift();
    }
  }

  /** Empties the ring, returning what it held. */
  take(): TimedSegment<T>[] {
    const entries = this.#entries;
    this.#entries = [];
    return entries;
  }
}
