import dgram from 'node:dgram';
import type { types } from 'mediasoup';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import { Fmp4Muxer } from '../mux/Fmp4Muxer.ts';
import type { RecorderEvents } from './Recorder.ts';
import type { RecorderBaseOptions, RecorderRun } from './RecorderTypes.ts';
import { RtpPipeline, rtpTrack, type RtpTrack } from './RtpPipeline.ts';

const logger = createLogger('InProcessRecorder');

/** Keyframe requests after a loss are at most this frequent (a burst of loss asks once). */
const LOSS_KEYFRAME_INTERVAL_MS = 300;

export interface InProcessRecorderOptions extends RecorderBaseOptions {
  /**
   * How RTP leaves mediasoup: 'udp' (a PlainTransport to a socket of ours, one datagram per
   * packet) or 'direct' (a DirectTransport: packets come over the worker's channel, many per
   * read). Default 'direct': cheaper per packet for Node (see docs/recording.md).
   */
  transport?: 'udp' | 'direct';
}

/**
 * One recorder run without a process: the producers' RTP leaves mediasoup through a
 * DirectTransport (over the worker channel) or a PlainTransport (RTCP muxed) to a UDP socket bound
 * here first (no port race), and is depacketized (H264, Opus) and muxed into fragmented MP4 on
 * the event loop. Same events and
 * lifecycle as the ffmpeg `Recorder`; camera time comes from the RTP timestamps.
 */
export class InProcessRecorder extends EnhancedEventEmitter<RecorderEvents> implements RecorderRun {
  readonly startedAt = Date.now();
  readonly muxer = 'inprocess';
  readonly transcoding = false;
  readonly #socket: dgram.Socket | undefined;
  readonly #transport: types.Transport;
  readonly #consumers: types.Consumer[];
  readonly #tracks: RtpTrack[];
  readonly #muxer: Fmp4Muxer;
  readonly #pipeline: RtpPipeline;
  readonly #keyframeTimer: NodeJS.Timeout;
  readonly #stallTimer: NodeJS.Timeout;
  #lastOutput = Date.now();
  #lastLossRequest = 0;
  #aborted = false;
  #done = false;
  #exited: Promise<void> | undefined;
  /** Datagrams dropped, by reason (malformed, RTCP, unknown SSRC). */
  get dropped(): RtpPipeline['dropped'] {
    return this.#pipeline.dropped;
  }

  private constructor(o: {
    socket: dgram.Socket | undefined;
    transport: types.Transport;
    consumers: types.Consumer[];
    tracks: RtpTrack[];
    segmentMs: number;
    stallTimeoutMs: number;
  }) {
    super();
    this.#socket = o.socket;
    this.#transport = o.transport;
    this.#consumers = o.consumers;
    this.#tracks = o.tracks;
    const video = o.tracks.find((t) => t.kind === 'video');
    const audio = o.tracks.find((t) => t.kind === 'audio');
    const audioChannels =
      o.consumers.find((c) => c.kind === 'audio')?.rtpParameters.codecs[0]?.channels ?? 2;
    // Keyframes are requested every segmentMs and arrive with some jitter: cutting at the first
    // keyframe after 80 % of it keeps segments at ~segmentMs instead of doubling on early ones.
    this.#muxer = new Fmp4Muxer({
      video: video && { clock: video.clock },
      audio: audio && { clock: audio.clock, channels: audioChannels },
      targetSegmentMs: o.segmentMs * 0.8,
      maxSegmentMs: o.segmentMs * 3,
    });
    this.#pipeline = new RtpPipeline(o.tracks, this.#muxer);
    this.#muxer.on('init', (init) => this.safeEmit('init', init));
    this.#muxer.on('anchor', ({ wallMs }) =>
      this.safeEmit('firstFragment', { endWallMs: wallMs, endMediaMs: 0 }),
    );
    this.#muxer.on('fragment', (f) => this.#aborted || this.safeEmit('fragment', f));
    this.#muxer.on('segment', (s) => {
      this.#lastOutput = Date.now();
      if (this.#aborted) return;
      this.safeEmit('segment', {
        bytes: s.bytes,
        startMs: s.startMs,
        durationMs: s.durationMs,
        keyframe: s.keyframe,
        firstByteAt: s.firstByteAt,
      });
    });
    for (const t of o.tracks) {
      if (t.depacketizer) t.depacketizer.onKeyframeNeeded = () => this.#requestAfterLoss();
    }
    o.socket?.on('message', (msg) => this.#onDatagram(msg));
    o.socket?.on('error', (error) => {
      logger.warn('recorder socket failed', { error: String(error) });
      this.#finish(false);
    });
    if (!o.socket) for (const c of o.consumers) c.on('rtp', (packet) => this.#onDatagram(packet));
    // Browsers send a keyframe only when asked (PLI): ask on the segment cadence.
    this.#keyframeTimer = setInterval(() => this.requestKeyFrame(), o.segmentMs);
    this.#keyframeTimer.unref();
    this.#stallTimer = setInterval(() => {
      if (this.#consumers.some((c) => c.producerPaused)) this.#lastOutput = Date.now();
      else if (Date.now() - this.#lastOutput > o.stallTimeoutMs) {
        logger.warn('recorder stalled; restarting', { dropped: this.dropped });
        this.#finish(false);
      }
    }, 1000);
    this.#stallTimer.unref();
    // A simulcast camera moves between layers as its bandwidth changes; the new layer's in-band
    // SPS/PPS start a new init in the muxer, this is only reported.
    let spatial: number | undefined;
    for (const c of o.consumers) {
      c.on('layerschange', (layers) => {
        const next = layers?.spatialLayer;
        if (next === undefined) return;
        if (spatial !== undefined && next !== spatial) this.safeEmit('layerschange');
        spatial = next;
      });
    }
  }

  static async start(o: InProcessRecorderOptions): Promise<InProcessRecorder> {
    const ip = o.ip ?? '127.0.0.1';
    const producers = [o.video, o.audio].filter((p): p is types.Producer => p !== undefined);
    if (producers.length === 0) throw new Error('a recorder needs at least one producer');
    const direct = (o.transport ?? 'direct') === 'direct';
    const socket = direct
      ? undefined
      : dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    let transport: types.Transport | undefined;
    try {
      if (socket) {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(0, ip, () => {
            socket.off('error', reject);
            resolve();
          });
        });
        const plain = await o.router.createPlainTransport({
          listenInfo: { protocol: 'udp', ip },
          rtcpMux: true,
          comedia: false,
        });
        transport = plain;
        await plain.connect({ ip, port: socket.address().port });
      } else {
        transport = await o.router.createDirectTransport();
      }
      const consumers: types.Consumer[] = [];
      const tracks: RtpTrack[] = [];
      for (const producer of producers) {
        const consumer = await transport.consume({
          producerId: producer.id,
          rtpCapabilities: o.router.rtpCapabilities,
          paused: true,
        });
        consumers.push(consumer);
        const codec = consumer.rtpParameters.codecs[0];
        const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
        if (!codec || ssrc === undefined) throw new Error('consumer without codec or SSRC');
        const video = consumer.kind === 'video';
        if (
          video ? !/^video\/H264$/i.test(codec.mimeType) : !/^audio\/opus$/i.test(codec.mimeType)
        ) {
          throw new Error(`the in-process recorder cannot mux ${codec.mimeType}`);
        }
        tracks.push(
          rtpTrack({
            kind: consumer.kind,
            ssrc,
            payloadType: codec.payloadType,
            clockRate: codec.clockRate,
          }),
        );
      }
      const recorder = new InProcessRecorder({
        socket,
        transport,
        consumers,
        tracks,
        segmentMs: o.segmentMs,
        stallTimeoutMs: o.stallTimeoutMs ?? 20_000,
      });
      for (const c of consumers) await c.resume();
      recorder.requestKeyFrame();
      return recorder;
    } catch (error) {
      transport?.close();
      socket?.close();
      throw error;
    }
  }

  /** The recorder runs inside the server process. */
  get pid(): number | undefined {
    return process.pid;
  }

  get producerIds(): string[] {
    return this.#consumers.map((c) => c.producerId);
  }

  requestKeyFrame(): void {
    for (const c of this.#consumers) {
      if (c.kind === 'video' && !c.closed) void c.requestKeyFrame().catch(() => undefined);
    }
  }

  bytesIngested(): Promise<number> {
    return Promise.resolve(this.#pipeline.bytes);
  }

  async stop(): Promise<void> {
    this.#finish(true);
    await this.#exited;
  }

  async abort(): Promise<void> {
    this.#aborted = true;
    this.#finish(true);
    await this.#exited;
  }

  kill(): void {
    this.#aborted = true;
    this.#finish(false);
  }

  #onDatagram(msg: Buffer): void {
    if (this.#done) return;
    this.#pipeline.push(msg, Date.now());
  }

  #requestAfterLoss(): void {
    const now = Date.now();
    if (now - this.#lastLossRequest < LOSS_KEYFRAME_INTERVAL_MS) return;
    this.#lastLossRequest = now;
    this.requestKeyFrame();
  }

  /** Ends the run once: flushes (graceful) or drops (crash, abort) what is held, then `exit`. */
  #finish(expected: boolean): void {
    if (this.#done) return;
    this.#done = true;
    clearInterval(this.#keyframeTimer);
    clearInterval(this.#stallTimer);
    this.#socket?.removeAllListeners('message');
    for (const c of this.#consumers) c.removeAllListeners('rtp');
    if (expected && !this.#aborted) this.#pipeline.flush();
    this.#transport.close();
    this.#exited = new Promise((resolve) => {
      const exit = (): void => {
        const frames = this.#tracks.map((t) => t.depacketizer?.stats).find((s) => s);
        logger.debug('recorder run ended', { expected, dropped: this.dropped, frames });
        this.safeEmit('exit', { code: expected ? 0 : null, signal: null, expected });
        resolve();
      };
      if (this.#socket) this.#socket.close(exit);
      else setImmediate(exit);
    });
  }
}
