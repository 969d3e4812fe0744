import { EnhancedEventEmitter } from '@porchlight/runtime';

/** Completed segments kept in memory (with their parts) behind the one being written. Default. */
const KEEP_SEGMENTS = 3;
/** Without a live viewer for this long, only the last completed segment is kept. Default. */
const WATCHED_MS = 60_000;

/** One LL-HLS part: one fMP4 fragment (moof+mdat, ~0.5 s) of the segment being written. */
export interface LivePart {
  bytes: Buffer;
  durationMs: number;
  /** Starts with a video keyframe (EXT-X-PART INDEPENDENT=YES). */
  independent: boolean;
}

/** A segment at the live edge: still being written (`complete` false) or just finished. */
export interface LiveSegment {
  /** The media sequence number it is (or will be) persisted under. */
  msn: number;
  runId: string;
  /** Camera time of its start (same rule as the index: run anchor + decode time). */
  producerTime: number;
  parts: LivePart[];
  /** Σ part durations; once complete, the segment's duration. */
  durationMs: number;
  complete: boolean;
  /** Complete only: what the segment holds beyond its parts (an audio tail; usually empty), or
   * the whole segment when its parts do not add up to it. */
  rest: { bytes: Buffer; whole: boolean } | null;
}

/** A complete segment's bytes (served until the index has its row). */
export function segmentBytes(s: LiveSegment): Buffer | null {
  if (!s.rest) return null;
  if (s.rest.whole) return s.rest.bytes;
  return Buffer.concat([...s.parts.map((p) => p.bytes), s.rest.bytes]);
}

/** A fragment the recorder produced, with where StreamRecording will put its segment. */
export interface LiveFragmentInput {
  runId: string;
  /** The sequence number the segment holding this fragment gets if it is persisted; null when
   * the recording mode is not persisting now (no parts: they could not become a segment). */
  msn: number | null;
  /** Camera time of the fragment start. */
  producerTime: number;
  bytes: Buffer;
  durationMs: number;
  independent: boolean;
}

export type LiveStreamEvents = {
  /** A part or a segment appeared, or the edge was dropped: blocked requests look again. */
  changed: [];
};

/**
 * The live edge of one device in memory: the parts of the segment being written and of the last
 * few completed ones, for LL-HLS. A small bounded ring, never written anywhere: the durable unit
 * stays the encrypted segment (docs/recording.md, "Low-Latency HLS").
 */
export class LiveStream extends EnhancedEventEmitter<LiveStreamEvents> {
  readonly #keep: number;
  readonly #watchedMs: number;
  readonly #now: () => number;
  #watchedAt = Number.NEGATIVE_INFINITY;
  #done: LiveSegment[] = [];
  #open: LiveSegment | null = null;
  /** The next fragment starts a segment (after a cut or a reset). */
  #atSegmentStart = true;
  #fedAt = Number.NEGATIVE_INFINITY;
  /** Fragments without video time (audio ahead of the first video): carried by the next part. */
  #prefix: Buffer[] = [];

  constructor(o: { keepSegments?: number; watchedMs?: number; now?: () => number } = {}) {
    super();
    this.#keep = o.keepSegments ?? KEEP_SEGMENTS;
    this.#watchedMs = o.watchedMs ?? WATCHED_MS;
    this.#now = o.now ?? Date.now;
  }

  /** When a fragment that will be persisted last arrived (Date.now() clock of the stream). */
  get fedAt(): number {
    return this.#fedAt;
  }

  /** A live viewer asked for the playlist or a part: keep the full ring for a while. */
  watch(): void {
    this.#watchedAt = this.#now();
  }

  /** Completed segments (oldest first), then the open one if any. */
  get segments(): readonly LiveSegment[] {
    return this.#open ? [...this.#done, this.#open] : this.#done;
  }

  get open(): LiveSegment | null {
    return this.#open;
  }

  segment(msn: number): LiveSegment | undefined {
    return this.segments.find((s) => s.msn === msn);
  }

  part(msn: number, index: number): LivePart | undefined {
    return this.segment(msn)?.parts[index];
  }

  /** A fragment of the segment being written. One that does not belong where it lands is ignored. */
  fragment(f: LiveFragmentInput): void {
    const open = this.#open;
    if (f.msn === null) {
      if (open) this.safeEmit('changed');
      this.#open = null;
      this.#prefix = [];
      this.#atSegmentStart = false;
      return;
    }
    if (open && (open.msn !== f.msn || open.runId !== f.runId)) {
      // Its segment will not be persisted under that number (a trigger flushed the pre-roll
      // ahead of it): its parts were never going to be valid.
      this.#open = null;
      this.#atSegmentStart = false;
    }
    this.#fedAt = this.#now();
    if (f.durationMs <= 0) {
      if (this.#open || this.#atSegmentStart) this.#prefix.push(f.bytes);
      return;
    }
    if (!this.#open) {
      // Parts start with the segment's first fragment, or not at all until the next segment.
      if (!this.#atSegmentStart) return;
      this.#open = {
        msn: f.msn,
        runId: f.runId,
        producerTime: f.producerTime,
        parts: [],
        durationMs: 0,
        complete: false,
        rest: null,
      };
      this.#atSegmentStart = false;
    }
    const bytes = this.#prefix.length ? Buffer.concat([...this.#prefix, f.bytes]) : f.bytes;
    this.#prefix = [];
    this.#open.parts.push({ bytes, durationMs: f.durationMs, independent: f.independent });
    this.#open.durationMs += f.durationMs;
    this.safeEmit('changed');
  }

  /**
   * The recorder cut the segment: `msn` is the number it was persisted under, or null when the
   * recording mode did not keep it. `bytes`: the whole segment (the parts plus any audio tail).
   */
  cut(
    msn: number | null,
    segment: { bytes: Buffer; durationMs: number; producerTime: number },
  ): void {
    const open = this.#open;
    const tail = this.#prefix;
    this.#open = null;
    this.#prefix = [];
    this.#atSegmentStart = true;
    if (open && msn !== null && open.msn === msn) {
      const partBytes = open.parts.reduce((n, p) => n + p.bytes.length, 0);
      const tailBytes = tail.reduce((n, b) => n + b.length, 0);
      // The parts are the segment's fragments in order; only a trailing audio tail is left. A
      // copy of the whole segment is kept only if that ever does not hold.
      const whole = partBytes + tailBytes !== segment.bytes.length;
      open.complete = true;
      open.rest = whole
        ? { bytes: segment.bytes, whole }
        : { bytes: Buffer.concat(tail, tailBytes), whole };
      open.durationMs = segment.durationMs;
      // The run's anchor may have been refined since its first fragment (as the index row is).
      open.producerTime = segment.producerTime;
      this.#done.push(open);
      const watched = this.#now() - this.#watchedAt < this.#watchedMs;
      const keep = watched ? this.#keep : 1;
      this.#done = this.#done.filter((s) => s.msn > msn - keep);
    }
    this.safeEmit('changed');
  }

  /** The recorder stopped: what it was writing will not continue. Completed segments stay. */
  reset(): void {
    this.#open = null;
    this.#prefix = [];
    this.#atSegmentStart = true;
    this.safeEmit('changed');
  }

  /** The stream stopped: everything is dropped. */
  clear(): void {
    this.#done = [];
    this.reset();
  }
}
