import type { types } from 'mediasoup';
import type { EnhancedEventEmitter } from '@porchlight/runtime';
import type { RecorderEvents } from './Recorder.ts';

/** Which recorder records H264 (+ Opus) cameras (config `recording.muxer`). */
export type MuxerKind = 'inprocess' | 'ffmpeg';

/**
 * What StreamRecording needs of a recorder run, whichever does the muxing: ffmpeg (`Recorder`)
 * or Node itself (`InProcessRecorder`). Events: see `RecorderEvents`.
 */
export interface RecorderRun extends Pick<
  EnhancedEventEmitter<RecorderEvents>,
  'on' | 'off' | 'once'
> {
  readonly startedAt: number;
  /** Who muxes this run. */
  readonly muxer: MuxerKind;
  /** VP8 → H264 transcoding (ffmpeg only). */
  readonly transcoding: boolean;
  /** The process doing the muxing (the server's own for the in-process recorder). */
  readonly pid: number | undefined;
  readonly producerIds: string[];
  requestKeyFrame(): void;
  /** RTP bytes received for this run (metering). */
  bytesIngested(): Promise<number>;
  /** Graceful: everything received is written, the last partial segment too. */
  stop(): Promise<void>;
  /** Immediate stop that drops the segment in progress. */
  abort(): Promise<void>;
  /** Ends the run as a crash would (tests, ops): `exit` reports it as unexpected. */
  kill(): void;
}

/** What every recorder is started with. */
export interface RecorderBaseOptions {
  router: types.Router;
  video: types.Producer | undefined;
  audio: types.Producer | undefined;
  /** Loopback address mediasoup sends to. Default 127.0.0.1. */
  ip?: string;
  /** Target segment length; a keyframe is requested this often (recording.segmentSeconds). */
  segmentMs: number;
  /** No completed segment for this long (producers not paused) is a stall: the run ends as a
   * crash and the owner starts a new one. Default 20 000. */
  stallTimeoutMs?: number;
}

export interface RecorderStartOptions {
  router: types.Router;
  video: types.Producer | undefined;
  audio: types.Producer | undefined;
  ffmpegPath: string;
  segmentMs: number;
  muxer: MuxerKind;
}
