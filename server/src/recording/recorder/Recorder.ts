import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { types } from 'mediasoup';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import { Fmp4Segmenter } from '../media/Segmenter.ts';
import type { InitInfo } from '../media/fmp4.ts';
import { freeRtpPortPair, udpPortsBound } from './ports.ts';
import { sendRtcpBye, type ByeTarget } from './rtcp.ts';
import { spawnTied } from './spawnTied.ts';
import { recorderSdp, type SdpTrack } from './sdp.ts';

const logger = createLogger('Recorder');

/** After a BYE ffmpeg exits within tens of ms; SIGINT is the fallback if it did not get it. */
const BYE_GRACE_MS = 1000;

export interface RecorderOptions {
  router: types.Router;
  video: types.Producer | undefined;
  audio: types.Producer | undefined;
  /** Loopback address mediasoup sends to and ffmpeg listens on. Default 127.0.0.1. */
  ip?: string;
  /** From config (recording.ffmpegPath). */
  ffmpegPath: string;
  /** Target segment length; the recorder asks for a keyframe this often (recording.segmentSeconds). */
  segmentMs: number;
  /** Grace for a SIGINT stop before SIGKILL. Default 4000. */
  stopTimeoutMs?: number;
  /** No completed segment for this long (and the producers not paused) counts as a stall: ffmpeg
   * is killed and the owner starts a new run. Segments, not bytes: a recorder that writes output
   * but whose media time barely advances is stalled too. Default 20 000. */
  stallTimeoutMs?: number;
}

export interface RecordedInit {
  bytes: Buffer;
  info: InitInfo;
}

export interface RecordedSegment {
  bytes: Buffer;
  /** Decode time of the segment start since the run's timeline zero. */
  startMs: number;
  durationMs: number;
  keyframe: boolean;
  firstByteAt: number;
}

/** One moof+mdat (about 0.5 s): the unit of LL-HLS parts. A segment's bytes are its fragments'. */
export interface RecordedFragment {
  bytes: Buffer;
  /** Decode time of the fragment start since the run's timeline zero. */
  startMs: number;
  durationMs: number;
  /** Starts with a video sync sample, or the stream has no video. */
  independent: boolean;
  firstByteAt: number;
}

export type RecorderEvents = {
  init: [RecordedInit];
  /** Every fragment, before the segment that contains it. */
  fragment: [RecordedFragment];
  segment: [RecordedSegment];
  /** The run's first media fragment arrived: `endWallMs` is when its last sample was received,
   * `endMediaMs` its end on the run's timeline. */
  firstFragment: [{ endWallMs: number; endMediaMs: number }];
  /** The video consumer switched simulcast layer (resolution): the init segment is stale. */
  layerschange: [];
  /** ffmpeg is gone; `expected` is false for a crash (killed, bad input, port clash). */
  exit: [{ code: number | null; signal: NodeJS.Signals | null; expected: boolean }];
};

/**
 * One recorder run: the producers' RTP leaves mediasoup through PlainTransports (one per track,
 * RTCP on its own port as ffmpeg expects), ffmpeg remuxes it (`-c copy`; VP8 is transcoded to
 * H264 since fMP4/HLS players want avc1) into fragmented MP4 on stdout, and the segmenter cuts it
 * into keyframe-aligned segments in memory. Nothing touches the disk here: the caller encrypts
 * and stores what it keeps.
 */
export class Recorder extends EnhancedEventEmitter<RecorderEvents> {
  readonly startedAt = Date.now();
  readonly muxer = 'ffmpeg';
  readonly transcoding: boolean;
  readonly #transports: types.PlainTransport[];
  readonly #consumers: types.Consumer[];
  readonly #process: ChildProcessWithoutNullStreams;
  readonly #segmenter: Fmp4Segmenter;
  readonly #keyframeTimer: NodeJS.Timeout;
  readonly #stopTimeoutMs: number;
  readonly #ip: string;
  readonly #bye: ByeTarget[];
  #stopping = false;
  #aborted = false;
  #lastIngested = 0;
  #firstFragmentSeen = false;
  #lastOutput = Date.now();
  readonly #stallTimer: NodeJS.Timeout;
  #exited: Promise<void>;
  #stderrTail = '';

  private constructor(o: {
    transports: types.PlainTransport[];
    consumers: types.Consumer[];
    process: ChildProcessWithoutNullStreams;
    segmenter: Fmp4Segmenter;
    segmentMs: number;
    stopTimeoutMs: number;
    stallTimeoutMs: number;
    transcoding: boolean;
    ip: string;
    bye: ByeTarget[];
  }) {
    super();
    this.#transports = o.transports;
    this.#consumers = o.consumers;
    this.#process = o.process;
    this.#segmenter = o.segmenter;
    this.#stopTimeoutMs = o.stopTimeoutMs;
    this.transcoding = o.transcoding;
    this.#ip = o.ip;
    this.#bye = o.bye;
    this.#segmenter.on('init', (init) => this.safeEmit('init', init));
    this.#segmenter.on('segment', () => (this.#lastOutput = Date.now()));
    this.#segmenter.on(
      'segment',
      (s) =>
        this.#aborted ||
        this.safeEmit('segment', {
          bytes: s.bytes,
          startMs: s.startMs,
          durationMs: s.durationMs,
          keyframe: s.keyframe,
          firstByteAt: s.firstByteAt,
        }),
    );
    this.#segmenter.on(
      'fragment',
      (f) =>
        this.#aborted ||
        this.safeEmit('fragment', {
          bytes: f.bytes,
          startMs: f.startMs,
          durationMs: f.durationMs,
          independent: f.independent,
          firstByteAt: f.firstByteAt,
        }),
    );
    this.#segmenter.on('fragment', (f) => {
      // Only a fragment of the reference track (video) carries the timeline.
      if (this.#firstFragmentSeen || f.durationMs === 0) return;
      this.#firstFragmentSeen = true;
      // ffmpeg writes a fragment once it holds its last sample (~0.1 s later, per the bench).
      this.safeEmit('firstFragment', {
        endWallMs: f.firstByteAt - 100,
        endMediaMs: f.startMs + f.durationMs,
      });
    });
    this.#segmenter.on('error', (error) => {
      logger.warn('unparseable recorder output; restarting', { error: String(error) });
      this.#process.kill('SIGKILL');
    });
    o.process.stdout.on('data', (chunk: Buffer) => {
      this.#segmenter.push(chunk);
    });
    this.#stallTimer = setInterval(() => {
      const paused = this.#consumers.some((c) => c.producerPaused);
      if (paused) this.#lastOutput = Date.now();
      else if (Date.now() - this.#lastOutput > o.stallTimeoutMs && !this.#stopping) {
        logger.warn('recorder stalled; restarting', { pid: this.#process.pid });
        this.#process.kill('SIGKILL');
      }
    }, 1000);
    this.#stallTimer.unref();
    o.process.stderr.on('data', (chunk: Buffer) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString()).slice(-2000);
    });
    this.#exited = new Promise((resolve) => {
      o.process.once('close', (code, signal) => {
        clearInterval(this.#keyframeTimer);
        clearInterval(this.#stallTimer);
        this.#segmenter.end();
        const expected = this.#stopping;
        if (!expected) {
          logger.warn('recorder exited', { code, signal, stderr: this.#stderrTail.trim() });
        }
        // The final byte count is read before the transports go, so metering sees the tail.
        void this.bytesIngested().then(() => {
          for (const t of this.#transports) t.close();
          this.safeEmit('exit', { code, signal, expected });
          resolve();
        });
      });
    });
    // A simulcast camera starts on a low layer and moves up as its bandwidth grows; ffmpeg would
    // copy the new resolution into a run whose init segment describes the old one.
    let spatial: number | undefined;
    for (const c of this.#consumers) {
      c.on('layerschange', (layers) => {
        const next = layers?.spatialLayer;
        if (next === undefined) return;
        if (spatial !== undefined && next !== spatial) this.safeEmit('layerschange');
        spatial = next;
      });
    }
    // Segments are cut at keyframes; browsers send one only when asked (PLI), so ask on the
    // segment cadence. Viewers joining late benefit from the same keyframes.
    this.#keyframeTimer = setInterval(() => this.requestKeyFrame(), o.segmentMs);
    this.#keyframeTimer.unref();
  }

  static async start(o: RecorderOptions): Promise<Recorder> {
    const ip = o.ip ?? '127.0.0.1';
    const segmentMs = o.segmentMs;
    const producers = [o.video, o.audio].filter((p): p is types.Producer => p !== undefined);
    if (producers.length === 0) throw new Error('a recorder needs at least one producer');
    const transports: types.PlainTransport[] = [];
    const consumers: types.Consumer[] = [];
    try {
      const tracks: SdpTrack[] = [];
      for (const producer of producers) {
        const port = await freeRtpPortPair(ip);
        const transport = await o.router.createPlainTransport({
          listenInfo: { protocol: 'udp', ip },
          rtcpMux: false,
          comedia: false,
        });
        transports.push(transport);
        await transport.connect({ ip, port, rtcpPort: port + 1 });
        const consumer = await transport.consume({
          producerId: producer.id,
          rtpCapabilities: o.router.rtpCapabilities,
          paused: true,
        });
        consumers.push(consumer);
        const codec = consumer.rtpParameters.codecs[0];
        if (!codec) throw new Error('consumer without codec');
        tracks.push({ kind: producer.kind, port, rtcpPort: port + 1, codec });
      }
      const video = tracks.find((t) => t.kind === 'video');
      const transcoding = video !== undefined && !/H264/i.test(video.codec.mimeType);
      const args = ffmpegArgs({
        hasVideo: !!video,
        hasAudio: tracks.length > (video ? 1 : 0),
        transcoding,
        segmentMs,
      });
      const process = spawnTied(o.ffmpegPath, args);
      process.stdin.on('error', () => undefined);
      process.stdin.end(recorderSdp(ip, tracks));
      // Keyframes are requested every segmentMs and arrive with some jitter: cutting at the first
      // keyframe after 80 % of it keeps segments at ~segmentMs instead of doubling on early ones.
      const segmenter = new Fmp4Segmenter({
        targetDurationMs: segmentMs * 0.8,
        maxDurationMs: segmentMs * 3,
      });
      const recorder = new Recorder({
        transports,
        consumers,
        process,
        segmenter,
        segmentMs,
        stopTimeoutMs: o.stopTimeoutMs ?? 4000,
        stallTimeoutMs: o.stallTimeoutMs ?? 20_000,
        transcoding,
        ip,
        bye: tracks.map((t, i) => ({
          port: t.rtcpPort,
          ssrc: consumers[i]?.rtpParameters.encodings?.[0]?.ssrc ?? 0,
        })),
      });
      await new Promise<void>((resolve, reject) => {
        process.once('spawn', resolve);
        process.once('error', reject);
      });
      // ffmpeg binds its RTP ports right after reading the SDP; media sent before that is lost,
      // and the first keyframe with it. A fixed delay is too short on a loaded box (the keyframe
      // is lost and the next comes a segment later) and too long on an idle one.
      await udpPortsBound(
        ip,
        tracks.flatMap((t) => [t.port, t.rtcpPort]),
        () => process.exitCode !== null || process.signalCode !== null,
      );
      for (const c of consumers) await c.resume();
      recorder.requestKeyFrame();
      return recorder;
    } catch (error) {
      for (const t of transports) t.close();
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  get producerIds(): string[] {
    return this.#consumers.map((c) => c.producerId);
  }

  requestKeyFrame(): void {
    for (const c of this.#consumers) {
      if (c.kind === 'video' && !c.closed) void c.requestKeyFrame().catch(() => undefined);
    }
  }

  /** RTP bytes mediasoup has sent to this recorder (what was ingested). */
  async bytesIngested(): Promise<number> {
    let total = 0;
    for (const t of this.#transports) {
      if (t.closed) return this.#lastIngested;
      const stats = await t.getStats().catch(() => []);
      for (const s of stats) total += s.bytesSent;
    }
    this.#lastIngested = Math.max(this.#lastIngested, total);
    return this.#lastIngested;
  }

  /** Kills ffmpeg as a crash would (tests, ops): `exit` reports it as unexpected. */
  kill(): void {
    this.#process.kill('SIGKILL');
  }

  /** Immediate stop that drops the segment in progress (its content no longer fits the run). */
  async abort(): Promise<void> {
    this.#aborted = true;
    this.#stopping = true;
    this.#process.kill('SIGKILL');
    await this.#exited;
  }

  /**
   * Graceful stop: everything received is written, the last partial fragment and segment too.
   * An RTCP BYE per track ends ffmpeg's input at once. SIGINT alone is only noticed between
   * packets: a camera that has gone sends none, so ffmpeg would sit 5-10 s in its read and the
   * SIGKILL at the grace would lose the fragment it holds. SIGINT, then SIGKILL, are fallbacks.
   */
  async stop(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      await sendRtcpBye(this.#ip, this.#bye).catch((error: unknown) =>
        logger.warn('RTCP BYE to the recorder failed', { error: String(error) }),
      );
      const interrupt = setTimeout(() => this.#process.kill('SIGINT'), BYE_GRACE_MS);
      const kill = setTimeout(() => this.#process.kill('SIGKILL'), this.#stopTimeoutMs);
      interrupt.unref();
      kill.unref();
      await this.#exited;
      clearTimeout(interrupt);
      clearTimeout(kill);
    }
    await this.#exited;
  }
}

function ffmpegArgs(o: {
  hasVideo: boolean;
  hasAudio: boolean;
  transcoding: boolean;
  segmentMs: number;
}): string[] {
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-protocol_whitelist',
    'pipe,udp,rtp',
    '-fflags',
    '+genpts',
    // The recorder keeps the camera's own timestamps (see -fps_mode), so probing 20 frames for a
    // frame rate only delays the first fragment (~0.7 s at 30 fps) and, when the frames arrive
    // unevenly (a loaded box), yields the 90 kHz RTP clock as the "frame rate".
    '-fpsprobesize',
    '0',
    '-f',
    'sdp',
    '-i',
    'pipe:0',
  ];
  if (o.hasVideo) args.push('-map', '0:v:0');
  if (o.hasAudio) args.push('-map', '0:a:0');
  if (o.transcoding) {
    const gop = String(Math.round((o.segmentMs / 1000) * 30));
    args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', gop);
    // mp4 is not a variable-frame-rate muxer, so ffmpeg would make the output constant-rate at the
    // probed rate by duplicating frames: at 90 kHz that is ~3000 encodes per camera frame, the
    // recorder falls to ~0.03x real time and no segment completes (the stall under CPU load).
    // Passthrough encodes each camera frame once, at its own timestamp.
    args.push('-fps_mode', 'passthrough');
    // Without a probed rate x264 derives the level from 90 kHz (6.2); players size buffers by it.
    args.push('-level:v', '4.2');
    // ultrafast alone would spend bits freely: cap near a camera's own rate.
    args.push('-crf', '26', '-maxrate', '2500k', '-bufsize', '5000k');
    args.push('-pix_fmt', 'yuv420p', '-c:a', 'copy');
  } else {
    args.push('-c', 'copy');
  }
  args.push(
    '-f',
    'mp4',
    '-movflags',
    '+frag_keyframe+empty_moov+default_base_moof',
    // Fragments of at most 0.5 s bound what a crash loses and how long a finished segment waits
    // for the next fragment to reveal its end.
    '-frag_duration',
    '500000',
    'pipe:1',
  );
  return args;
}
