/**
 * What one sweep step of the recording bench measures, for the server (OursStep) and for the bare
 * ffmpeg baseline (BareStep).
 */
import type { Room } from '../../server/src/media/Room.ts';
import type { RecordingService } from '../../server/src/recording/RecordingService.ts';
import type { Summary } from '../lib/stats.ts';
import type { TestServer } from '../../tests/support/testServer.ts';

export interface Latency {
  /** ingestTime + durationMs → indexed (the brief's "last media byte reached the server"). */
  ingestToIndexed: Summary;
  /** Real media end → indexed: what a viewer waits beyond real time. */
  mediaEndToIndexed: Summary;
  /** Stages: real media end → last fragment out of ffmpeg; → segment cut; → indexed. */
  muxOut: Summary;
  cutWait: Summary;
  persist: Summary;
  /** producerTime + durationMs − real end (the recording's camera-time error). */
  anchorError: Summary;
}

export interface LostCounts {
  seqGaps: number;
  holes: number;
  restarts: number;
  missing: number;
  offTarget: number;
  total: number;
}

export interface OursStep {
  variant: 'porchlight';
  n: number;
  attempt: number;
  windowS: number;
  recorderCpuPct: number;
  nodeCpuPct: number;
  /** Part of nodeCpuPct spent in the kernel (pipe reads, file writes, fsync, UDP/IPC). */
  nodeSysCpuPct: number;
  workerCpuPct: number;
  sourceCpuPct: number;
  /** (recorders + node) / N, % of one core. */
  perStreamPct: number;
  /** (recorders + node + worker) / N. */
  perStreamWithWorkerPct: number;
  machineBusyPct: number;
  otherLoadCorePct: number;
  udpRcvbufErrors: number;
  rtpLostPackets: number;
  rtpMbpsPerStream: number;
  streamsRecording: number;
  segmentsInWindow: number;
  expectedInWindow: number;
  lost: LostCounts;
  /** Camera-time gaps (ms) between consecutive steady segments of a run beyond the tolerance. */
  holeGapsMs: number[];
  /** A run's first segment: duration, and its gap to the second (an overlap when negative). */
  firstSegments: { durationMs: number; gapToNextMs: number }[];
  /** Segments after a run's first but before the window with a hole or > 1 s off 2 s. */
  startupIrregular: number;
  segmentDurationMs: Summary;
  latency: Latency;
  /** Durable-write baseline during the window. */
  durableWriteMs: Summary;
  storedOverPlain: number;
  warmupS: number;
  /** Camera gone (source killed, peer left) → recorder process gone, ms. */
  recorderStopMs: Summary;
  /** Media sent before the source stopped but in no segment (the run's lost tail), ms. */
  lostTailMs: Summary;
  recordersLeftRunning: number;
  /**
   * Window segments > 1 s off 2 s, and how many of them had a keyframe reach mediasoup inside
   * their span (so the recording side, not the camera, missed the cut).
   */
  longSegments: { count: number; keyframeInside: number; durationsMs: number[] };
  /** Recorder failures the server logged during the step, by reason (restarted by the service). */
  recorderFailures: Record<string, number>;
  /** The bench's own processes (sources + recorders + node + worker) saturate the machine. */
  saturated: boolean;
  /** Lost segments while other tenants loaded the machine: no verdict. */
  contended: boolean;
}

export interface BareStep {
  variant: 'bare';
  n: number;
  windowS: number;
  receiverCpuPct: number;
  sourceCpuPct: number;
  perStreamPct: number;
  machineBusyPct: number;
  otherLoadCorePct: number;
  /** Receivers whose output grew at >= 50 KB/s in the window (they were really remuxing). */
  flowing: number;
  outKBps: number;
}

export interface Ctx {
  ts: TestServer;
  room: Room;
  service: RecordingService;
  clip: string;
  tmp: string;
}
