import { EnhancedEventEmitter } from '@porchlight/runtime';
import type { MediaFragment, MediaSegment, InitSegment } from '../media/Segmenter.ts';
import { parseInit } from '../media/init.ts';
import { buildAvcC, type ParameterSets } from '../media/h264.ts';
import { Fmp4Error } from '../media/errors.ts';
import { NAL_PPS, NAL_SPS, avccNalUnits } from '../rtp/H264Depacketizer.ts';
import type { MediaClock } from '../rtp/MediaClock.ts';
import { buildFragment, type MuxSample } from './fragmentWriter.ts';
import { AUDIO_TIMESCALE, VIDEO_TIMESCALE, buildInitSegment, trackIds } from './initSegment.ts';

export interface Fmp4MuxerOptions {
  video?: { clock: MediaClock } | undefined;
  audio?: { clock: MediaClock; channels: number } | undefined;
  /** A fragment ends at a keyframe or once it holds this much (default 500, like ffmpeg's
   * `-frag_duration 500000` with `+frag_keyframe`). */
  fragmentMs?: number;
  /** A segment is cut at the first keyframe fragment once it is this long (default 1600). */
  targetSegmentMs?: number;
  /** A segment is cut at any fragment once it is this long (default 3 × target). */
  maxSegmentMs?: number;
}

export interface VideoInput {
  data: Buffer;
  keyframe: boolean;
  /** Extended RTP timestamp (90 kHz). */
  time: number;
  arrivedAt: number;
}

export interface AudioInput {
  data: Buffer;
  /** Extended RTP timestamp (48 kHz). */
  time: number;
  samples: number;
  arrivedAt: number;
}

export type Fmp4MuxerEvents = {
  /** The first init segment, then a new one whenever the in-band SPS/PPS change. */
  init: [InitSegment];
  fragment: [MediaFragment];
  segment: [MediaSegment];
  /** Right before the first fragment: the timeline zero on the wall clock (camera time). */
  anchor: [{ wallMs: number }];
};

interface Timed extends MuxSample {
  /** Decode time on the run's timeline, track timescale. */
  dts: number;
  arrivedAt: number;
}

/** Keyframe intervals on camera clocks jitter by a few ms: a GOP 1 ms short must not double a segment. */
const CUT_SLACK = 0.01;

/** trun stores a sample duration in 32 bits; readers that take it as signed need 31. */
const MAX_SAMPLE_DURATION = 0x7fffffff;

/**
 * Media time may run ahead of arrival time by this much before a gap counts as a timestamp jump:
 * after a network stall, seconds of media arrive at once.
 */
const JUMP_SLACK_MS = 10_000;

/**
 * Depacketized H264 and Opus in, fragmented MP4 out, in process: the init segment, ~0.5 s
 * fragments (a new one at each keyframe) and keyframe-aligned segments. Decode times come from the
 * RTP timestamps (continuous, jitter-free); video and audio share one timeline through each
 * track's RTP→wall-clock mapping, whose zero is the first keyframe.
 */
export class Fmp4Muxer extends EnhancedEventEmitter<Fmp4MuxerEvents> {
  readonly #o: Required<Pick<Fmp4MuxerOptions, 'fragmentMs' | 'targetSegmentMs' | 'maxSegmentMs'>>;
  readonly #video: Fmp4MuxerOptions['video'];
  readonly #audio: Fmp4MuxerOptions['audio'];
  readonly #ids: { video: number; audio: number };
  #sets: ParameterSets | undefined;
  #initDone = false;
  /** Extended RTP time of the timeline zero, per track. */
  #videoZero: number | undefined;
  #audioZero: number | undefined;
  /** The first of those zeros on the anchoring track (a discontinuity moves the zeros, not this). */
  #anchorZero: number | undefined;
  /** Wall clock of the timeline zero. */
  #zeroWall: number | undefined;
  #lastVideo: Timed | undefined;
  #lastAudio: Timed | undefined;
  #fragVideo: Timed[] = [];
  #audioQueue: Timed[] = [];
  #sequence = 1;
  #segment:
    | {
        parts: Buffer[];
        startMs: number;
        durationMs: number;
        keyframe: boolean;
        firstByteAt: number;
      }
    | undefined;
  #lastEndMs = 0;
  #anchored = false;
  #ended = false;
  /** Frames dropped because they could not start a recording (no SPS/PPS) or came late (a repeat). */
  dropped = 0;

  constructor(o: Fmp4MuxerOptions) {
    super();
    if (!o.video && !o.audio) throw new RangeError('a muxer needs a video or an audio track');
    const target = o.targetSegmentMs ?? 1600;
    this.#o = {
      fragmentMs: o.fragmentMs ?? 500,
      targetSegmentMs: target,
      maxSegmentMs: o.maxSegmentMs ?? 3 * target,
    };
    this.#video = o.video;
    this.#audio = o.audio;
    this.#ids = trackIds({ video: !!o.video, audio: !!o.audio });
  }

  /** The muxer has started its timeline (an init segment was emitted). */
  get started(): boolean {
    return this.#initDone;
  }

  addVideo(v: VideoInput): void {
    if (this.#ended || !this.#video) return;
    if (this.#videoZero === undefined) {
      if (!v.keyframe || !this.#start(v)) {
        this.dropped++;
        return;
      }
    }
    let dts = v.time - this.#videoZero!;
    const last = this.#lastVideo;
    if (last) {
      const step = spacing(last, dts, v.arrivedAt, VIDEO_TIMESCALE);
      if (!step) {
        this.dropped++;
        return;
      }
      this.#videoZero! += step.shift;
      dts -= step.shift;
    }
    const sample: Timed = {
      data: v.data,
      duration: 0,
      keyframe: v.keyframe,
      dts,
      arrivedAt: v.arrivedAt,
    };
    if (last) {
      last.duration = dts - last.dts;
      this.#fragVideo.push(last);
    }
    const changed = v.keyframe && last ? this.#newParameterSets(v.data) : undefined;
    const fragMs =
      this.#fragVideo.length > 0 ? ((dts - this.#fragVideo[0]!.dts) * 1000) / VIDEO_TIMESCALE : 0;
    if (this.#fragVideo.length > 0 && (v.keyframe || fragMs >= this.#o.fragmentMs)) {
      this.#flushFragment(dts, v.keyframe);
    }
    if (changed) {
      // A resolution change (simulcast layer switch) at this keyframe: the segment ends before it
      // and the same timeline goes on under a new init segment, with no frame lost.
      this.#endSegment();
      this.#sets = changed;
      this.#emitInit();
    }
    this.#lastVideo = sample;
  }

  addAudio(a: AudioInput): void {
    if (this.#ended || !this.#audio) return;
    if (this.#audioZero === undefined) {
      if (!this.#video) {
        this.#zeroWall = this.#audio.clock.toWall(a.time);
        this.#audioZero = a.time;
        this.#anchorZero = a.time;
        this.#emitInit();
      } else {
        // Audio joins the timeline the first keyframe started; earlier audio has no video to go with.
        if (this.#zeroWall === undefined) return;
        const offset = Math.round(
          ((this.#audio.clock.toWall(a.time) - this.#zeroWall) * AUDIO_TIMESCALE) / 1000,
        );
        if (offset < 0) return;
        this.#audioZero = a.time - offset;
      }
    }
    let dts = a.time - this.#audioZero;
    const last = this.#lastAudio;
    if (last) {
      const step = spacing(last, dts, a.arrivedAt, AUDIO_TIMESCALE);
      if (!step) return;
      this.#audioZero += step.shift;
      dts -= step.shift;
    }
    if (last) {
      last.duration = dts - last.dts;
      this.#audioQueue.push(last);
    }
    this.#lastAudio = {
      data: a.data,
      duration: a.samples,
      keyframe: true,
      dts,
      arrivedAt: a.arrivedAt,
    };
    if (!this.#video && this.#audioQueue.length > 0) {
      const span = ((dts - this.#audioQueue[0]!.dts) * 1000) / AUDIO_TIMESCALE;
      if (span >= this.#o.fragmentMs) this.#flushFragment(undefined, true);
    }
  }

  /** End of stream: everything held is written (last samples keep their nominal duration). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (!this.#initDone) return;
    const v = this.#lastVideo;
    if (v) {
      const prev = this.#fragVideo[this.#fragVideo.length - 1];
      v.duration = prev?.duration ?? VIDEO_TIMESCALE / 30;
      this.#fragVideo.push(v);
      this.#lastVideo = undefined;
    }
    if (this.#lastAudio) {
      this.#audioQueue.push(this.#lastAudio);
      this.#lastAudio = undefined;
    }
    if (this.#fragVideo.length > 0 || this.#audioQueue.length > 0) {
      this.#flushFragment(undefined, false);
    }
    this.#endSegment();
  }

  /** Starts the timeline at a keyframe that carries SPS and PPS. */
  #start(v: VideoInput): boolean {
    const sets = parameterSets(v.data);
    if (!sets || !usable(sets)) return false;
    this.#sets = copySets(sets);
    this.#videoZero = v.time;
    this.#anchorZero = v.time;
    this.#zeroWall = this.#video!.clock.toWall(v.time);
    this.#emitInit();
    return true;
  }

  /**
   * New parameter sets at this keyframe, if any. Sets we cannot parse leave the current init in
   * place: decoders still get them in band, and a camera's odd SPS must not stop its recording.
   */
  #newParameterSets(au: Buffer): ParameterSets | undefined {
    const sets = parameterSets(au, true);
    if (!sets || !this.#sets) return undefined;
    const known = (a: Buffer[], b: Buffer[]): boolean => a.every((x) => b.some((y) => y.equals(x)));
    if (known(sets.sps, this.#sets.sps) && known(sets.pps, this.#sets.pps)) return undefined;
    const next = {
      sps: sets.sps.length > 0 ? sets.sps : this.#sets.sps,
      pps: sets.pps.length > 0 ? sets.pps : this.#sets.pps,
    };
    return usable(next) ? copySets(next) : undefined;
  }

  #emitInit(): void {
    const bytes = buildInitSegment({
      ...(this.#video && this.#sets ? { video: this.#sets } : {}),
      ...(this.#audio ? { audio: { channels: this.#audio.channels } } : {}),
    });
    this.#initDone = true;
    this.safeEmit('init', { bytes, info: parseInit(bytes) });
  }

  /**
   * Writes the held video samples and the audio before `videoEnd` (video dts; all if undefined).
   * The segment is cut right after it when what comes next is independent (the keyframe that
   * arrived): a segment is complete the moment its successor's keyframe is in, not a fragment later.
   */
  #flushFragment(videoEnd: number | undefined, nextIndependent: boolean): void {
    const video = this.#fragVideo;
    this.#fragVideo = [];
    let audio = this.#audioQueue;
    if (videoEnd !== undefined && this.#video) {
      const endAudio = (videoEnd * AUDIO_TIMESCALE) / VIDEO_TIMESCALE;
      const cut = audio.findIndex((a) => a.dts >= endAudio);
      if (cut >= 0) {
        this.#audioQueue = audio.slice(cut);
        audio = audio.slice(0, cut);
      } else this.#audioQueue = [];
    } else this.#audioQueue = [];
    if (video.length === 0 && audio.length === 0) return;
    const bytes = buildFragment(this.#sequence++, [
      ...(this.#video
        ? [{ id: this.#ids.video, baseDecodeTime: video[0]?.dts ?? 0, samples: video, flags: true }]
        : []),
      ...(this.#audio
        ? [
            {
              id: this.#ids.audio,
              baseDecodeTime: audio[0]?.dts ?? 0,
              samples: audio,
              flags: false,
            },
          ]
        : []),
    ]);
    const reference = this.#video ? video : audio;
    const scale = this.#video ? VIDEO_TIMESCALE : AUDIO_TIMESCALE;
    const first = reference[0];
    let startMs = this.#lastEndMs;
    let durationMs = 0;
    if (first) {
      startMs = (first.dts * 1000) / scale;
      durationMs = (reference.reduce((n, s) => n + s.duration, 0) * 1000) / scale;
      this.#lastEndMs = startMs + durationMs;
    }
    const fragment: MediaFragment = {
      bytes,
      startMs,
      durationMs,
      independent: !this.#video || first?.keyframe === true,
      firstByteAt: (first ?? audio[0])!.arrivedAt,
    };
    if (this.#segment) {
      this.#segment.parts.push(bytes);
      this.#segment.durationMs += durationMs;
    } else {
      this.#segment = {
        parts: [bytes],
        startMs,
        durationMs,
        keyframe: fragment.independent,
        firstByteAt: fragment.firstByteAt,
      };
    }
    if (!this.#anchored) {
      this.#anchored = true;
      // The clock's lower envelope has had a fragment's worth of packets (~0.5 s) to settle.
      const clock = this.#video?.clock ?? this.#audio!.clock;
      this.safeEmit('anchor', { wallMs: clock.toWall(this.#anchorZero!) });
    }
    this.safeEmit('fragment', fragment);
    const open = this.#segment!;
    const reached = (limit: number): boolean => open.durationMs >= limit * (1 - CUT_SLACK);
    if (reached(this.#o.maxSegmentMs) || (nextIndependent && reached(this.#o.targetSegmentMs))) {
      this.#endSegment();
    }
  }

  #endSegment(): void {
    const s = this.#segment;
    if (!s) return;
    this.#segment = undefined;
    this.safeEmit('segment', {
      bytes: s.parts.length === 1 ? s.parts[0]! : Buffer.concat(s.parts),
      startMs: s.startMs,
      durationMs: s.durationMs,
      keyframe: s.keyframe,
      firstByteAt: s.firstByteAt,
      fragments: s.parts.length,
    });
  }
}

/**
 * Where a sample `dts` goes after `last`: undefined if it is late or a duplicate (dropped), else
 * the sample is placed at `dts - shift`, `shift` moving the track's zero. A gap the arrival times
 * do not show (a sender restarted with a new timestamp base, a forged timestamp) is a
 * discontinuity: the timeline goes on by the time that really passed, and no sample outgrows the
 * 32 bits trun has for it. A real pause (arrivals as far apart as the timestamps) keeps its length.
 */
function spacing(
  last: Timed,
  dts: number,
  arrivedAt: number,
  scale: number,
): { shift: number } | undefined {
  const gap = dts - last.dts;
  const slack = (JUMP_SLACK_MS * scale) / 1000;
  const passed = Math.max(0, Math.round(((arrivedAt - last.arrivedAt) * scale) / 1000));
  if (gap > 0 && gap <= passed + slack && gap <= MAX_SAMPLE_DURATION) return { shift: 0 };
  // Slightly back: reordered or repeated media, not a new timeline.
  if (gap <= 0 && gap > -slack) return undefined;
  return { shift: gap - Math.min(Math.max(passed, 1), MAX_SAMPLE_DURATION) };
}

/** Copies: the sets must not keep a whole frame's buffer alive. */
function copySets(s: ParameterSets): ParameterSets {
  return { sps: s.sps.map((b) => Buffer.from(b)), pps: s.pps.map((b) => Buffer.from(b)) };
}

function usable(s: ParameterSets): boolean {
  try {
    buildAvcC(s);
    return true;
  } catch (error) {
    if (error instanceof Fmp4Error) return false;
    throw error;
  }
}

/** SPS and PPS of an AVCC access unit; undefined unless both are there (`partial`: either). */
function parameterSets(au: Buffer, partial = false): ParameterSets | undefined {
  const sps: Buffer[] = [];
  const pps: Buffer[] = [];
  for (const nal of avccNalUnits(au)) {
    const type = nal[0]! & 0x1f;
    if (type === NAL_SPS) sps.push(nal);
    else if (type === NAL_PPS) pps.push(nal);
  }
  if (partial ? sps.length + pps.length === 0 : sps.length === 0 || pps.length === 0)
    return undefined;
  return { sps, pps };
}
