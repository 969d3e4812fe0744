import { EnhancedEventEmitter } from '@porchlight/runtime';
import { AvcParameterWatch } from './avcInit.ts';
import { BoxSplitter } from './BoxSplitter.ts';
import { Fmp4Error } from './errors.ts';
import { type FragmentInfo, parseFragment } from './fragment.ts';
import { type InitInfo, type TrackInfo, parseInit } from './init.ts';

export interface SegmenterOptions {
  /** A segment is cut at the first keyframe fragment once it is this long (default 2000). */
  targetDurationMs?: number | undefined;
  /** A segment is cut at any fragment once it is this long (default 3 × target). */
  maxDurationMs?: number | undefined;
  maxBoxSize?: number | undefined;
  now?: (() => number) | undefined;
}

export interface InitSegment {
  /** ftyp + moov (and any box before moov). */
  bytes: Buffer;
  info: InitInfo;
}

/** One moof+mdat (with its leading styp/prft/sidx/emsg boxes). */
export interface MediaFragment {
  bytes: Buffer;
  startMs: number;
  durationMs: number;
  /** Starts with a video sync sample, or the stream has no video. */
  independent: boolean;
  /** Date.now() when the fragment's first byte arrived. */
  firstByteAt: number;
}

/** Consecutive fragments, the unit stored and listed in HLS playlists. */
export interface MediaSegment {
  /** The fragments concatenated. */
  bytes: Buffer;
  /** Decode time of the reference track (video, else audio) since the run's timeline zero. */
  startMs: number;
  durationMs: number;
  /** Starts with a video sync sample, or the stream has no video. */
  keyframe: boolean;
  firstByteAt: number;
  fragments: number;
}

export type Fmp4SegmenterEvents = {
  /** The first init segment, then a new one whenever the H264 parameter sets change in band. */
  init: [InitSegment];
  fragment: [MediaFragment];
  segment: [MediaSegment];
  error: [Fmp4Error];
  /** Bytes of an incomplete trailing box or fragment that could not be used. */
  end: [{ discardedBytes: number }];
};

/** Boxes that precede a moof and belong to its fragment. */
const FRAGMENT_PREFIX = new Set(['styp', 'prft', 'sidx', 'ssix', 'emsg']);
/** A real init segment is a few KiB; anything bigger before moov is not our stream. */
const MAX_INIT_BYTES = 16 * 1024 * 1024;
/**
 * Keyframe intervals measured on camera clocks jitter by a few ms: a GOP that misses the target
 * by 1 ms must not double the segment.
 */
const CUT_SLACK = 0.01;

interface OpenSegment {
  parts: Buffer[];
  startMs: number;
  durationMs: number;
  keyframe: boolean;
  firstByteAt: number;
  /** A fragment of the reference track was seen (start and keyframe come from it). */
  hasReference: boolean;
}

/**
 * Turns ffmpeg's fragmented MP4 output (`-movflags +frag_keyframe+empty_moov+default_base_moof`)
 * into an init segment and keyframe-aligned media segments. Never throws from `push`: malformed
 * input emits `error` once and the rest of the stream is ignored.
 */
export class Fmp4Segmenter extends EnhancedEventEmitter<Fmp4SegmenterEvents> {
  readonly #targetMs: number;
  readonly #maxMs: number;
  readonly #now: () => number;
  readonly #splitter: BoxSplitter;
  #state: 'init' | 'media' | 'failed' | 'ended' = 'init';
  #initBoxes: Buffer[] = [];
  #initBytes = 0;
  #info: InitInfo | null = null;
  /** H264 parameter sets of the current init: new ones at a keyframe start a new init. */
  #avc: AvcParameterWatch | undefined;
  /** Video track if any, else audio: segment timing follows it. */
  #reference: TrackInfo | null = null;
  #fragmentBoxes: Buffer[] = [];
  #fragmentFirstByteAt = 0;
  #hasMoof = false;
  #segment: OpenSegment | null = null;
  /** Arrival time of the first byte of the box the splitter is still collecting. */
  #partialSince = 0;
  #lastEndMs = 0;

  constructor(o: SegmenterOptions = {}) {
    super();
    this.#targetMs = o.targetDurationMs ?? 2000;
    this.#maxMs = o.maxDurationMs ?? 3 * this.#targetMs;
    if (!(this.#targetMs > 0) || !(this.#maxMs >= this.#targetMs)) {
      throw new RangeError('need 0 < targetDurationMs <= maxDurationMs');
    }
    this.#now = o.now ?? Date.now;
    this.#splitter = new BoxSplitter({ maxBoxSize: o.maxBoxSize });
  }

  /** The init segment's tracks once it arrived. */
  get info(): InitInfo | null {
    return this.#info;
  }

  push(chunk: Buffer): void {
    if (this.#state === 'failed' || this.#state === 'ended') return;
    const now = this.#now();
    const hadPartial = this.#splitter.buffered > 0;
    let boxes = 0;
    try {
      for (const box of this.#splitter.feed(chunk)) {
        this.#onBox(box, boxes++ === 0 && hadPartial ? this.#partialSince : now);
        if (this.#state !== 'init' && this.#state !== 'media') return;
      }
      if (this.#splitter.buffered > 0 && (boxes > 0 || !hadPartial)) this.#partialSince = now;
    } catch (error) {
      this.#fail(error);
    }
  }

  /** The stream ended (ffmpeg exited): emits the last, possibly short, segment, then `end`. */
  end(): void {
    if (this.#state === 'ended') return;
    const held = [...this.#initBoxes, ...this.#fragmentBoxes];
    const discardedBytes = this.#splitter.buffered + held.reduce((n, b) => n + b.length, 0);
    this.#state = 'ended';
    this.#initBoxes = [];
    this.#fragmentBoxes = [];
    this.#emitSegment();
    this.safeEmit('end', { discardedBytes });
  }

  #onBox(box: Buffer, arrivedAt: number): void {
    const type = box.toString('latin1', 4, 8);
    if (this.#state === 'init') {
      if (type === 'moof' || type === 'mdat') throw new Fmp4Error(`${type} before the moov box`);
      this.#initBytes += box.length;
      if (this.#initBytes > MAX_INIT_BYTES) throw new Fmp4Error('no moov box in the first 16 MiB');
      this.#initBoxes.push(box);
      if (type === 'moov') this.#onInit(Buffer.concat(this.#initBoxes));
      return;
    }
    if (type === 'ftyp' || type === 'moov') throw new Fmp4Error(`unexpected ${type} after init`);
    const startsFragment = type === 'moof' || FRAGMENT_PREFIX.has(type);
    if (!this.#hasMoof && !startsFragment) {
      if (type === 'mdat') throw new Fmp4Error('mdat without moof');
      return; // free, skip, udta, mfra: nothing to keep
    }
    if (type === 'moof' && this.#hasMoof) throw new Fmp4Error('moof without mdat');
    if (this.#fragmentBoxes.length === 0) this.#fragmentFirstByteAt = arrivedAt;
    this.#fragmentBoxes.push(box);
    if (type === 'moof') this.#hasMoof = true;
    if (type === 'mdat') this.#onFragment(Buffer.concat(this.#fragmentBoxes));
  }

  #onInit(bytes: Buffer): void {
    const info = parseInit(bytes);
    this.#info = info;
    this.#reference =
      info.tracks.find((t) => t.kind === 'video') ??
      info.tracks.find((t) => t.kind === 'audio') ??
      info.tracks[0]!;
    this.#initBoxes = [];
    this.#state = 'media';
    this.#avc = AvcParameterWatch.create(bytes, info);
    this.safeEmit('init', { bytes, info });
  }

  #onFragment(bytes: Buffer): void {
    this.#fragmentBoxes = [];
    this.#hasMoof = false;
    const info = parseFragment(bytes, this.#info!);
    const changed = this.#avc?.check(bytes, info);
    if (changed) {
      // A resolution change (simulcast layer switch) at this keyframe: the segment before it ends
      // here and the same stream goes on under a new init segment, with no frame lost.
      this.#emitSegment();
      this.#info = parseInit(changed);
      this.safeEmit('init', { bytes: changed, info: this.#info });
    }
    const hasReference = info.tracks.some((t) => t.id === this.#reference!.id);
    const timing = this.#timing(info);
    const fragment: MediaFragment = { bytes, ...timing, firstByteAt: this.#fragmentFirstByteAt };
    const open = this.#segment;
    if (open) {
      const reached = (limitMs: number): boolean => open.durationMs >= limitMs * (1 - CUT_SLACK);
      if (reached(this.#maxMs) || (fragment.independent && reached(this.#targetMs))) {
        this.#emitSegment();
      }
    }
    if (this.#segment) {
      this.#segment.parts.push(bytes);
      this.#segment.durationMs += fragment.durationMs;
      if (hasReference && !this.#segment.hasReference) {
        // Audio ran ahead of the first video fragment: the segment starts where the video does.
        this.#segment.hasReference = true;
        this.#segment.startMs = fragment.startMs;
        this.#segment.keyframe = fragment.independent;
      }
    } else {
      this.#segment = {
        parts: [bytes],
        startMs: fragment.startMs,
        durationMs: fragment.durationMs,
        keyframe: fragment.independent,
        firstByteAt: fragment.firstByteAt,
        hasReference,
      };
    }
    this.safeEmit('fragment', fragment);
  }

  /** Timing from the reference track; a fragment without it (a trailing audio tail) uses another. */
  #timing(info: FragmentInfo): Omit<MediaFragment, 'bytes' | 'firstByteAt'> {
    const reference = this.#reference!;
    const own = info.tracks.find((t) => t.id === reference.id);
    const independent = reference.kind !== 'video' || own?.firstSampleIsSync === true;
    // A fragment without the reference track (audio ahead of video, or the audio tail) adds no
    // time: segment durations follow the reference track only, so consecutive segments abut.
    const track = own;
    if (!track) {
      return { startMs: this.#lastEndMs, durationMs: 0, independent };
    }
    const timescale = this.#info!.tracks.find((t) => t.id === track.id)!.timescale;
    const startMs = (track.baseDecodeTime * 1000) / timescale;
    const durationMs = (track.duration * 1000) / timescale;
    this.#lastEndMs = startMs + durationMs;
    return { startMs, durationMs, independent };
  }

  #emitSegment(): void {
    const s = this.#segment;
    if (!s) return;
    this.#segment = null;
    this.safeEmit('segment', {
      bytes: s.parts.length === 1 ? s.parts[0]! : Buffer.concat(s.parts),
      startMs: s.startMs,
      durationMs: s.durationMs,
      keyframe: s.keyframe,
      firstByteAt: s.firstByteAt,
      fragments: s.parts.length,
    });
  }

  #fail(error: unknown): void {
    this.#state = 'failed';
    const e =
      error instanceof Fmp4Error
        ? error
        : new Fmp4Error(error instanceof Error ? error.message : String(error), { cause: error });
    this.safeEmit('error', e);
  }
}
