import type { Box, TrackPoint } from '@porchlight/protocol';

/**
 * What the pipeline needs of one detector result. det-core's `FrameResult` is assignable to it
 * (it also carries `ms` and `motion`), so the pipeline stays pure and testable without TF.js.
 */
export interface PipelineFrame {
  /** Frame time, unix ms. */
  t: number;
  /** Raw person boxes (normalized), any score. */
  persons: readonly Detection[];
  /** False when motion gating skipped the model: no news about anyone, not "nobody here". */
  ran: boolean;
}

export interface Detection {
  score: number;
  box: Box;
}

/** A person event as the apps and server see it (one event spans every person seen in it). */
export interface DetectionEvent {
  /** Device-side id (the server assigns its own on start). */
  localId: string;
  label: 'person';
  startedAt: number;
  /** Last time a person was seen; null while the event is open. */
  endedAt: number | null;
  maxScore: number;
  /** Names of the zones a person stood in (bottom-centre of the box). */
  zones: string[];
  /** Boxes of every confirmed person, oldest first, thinned to DETECTION_LIMITS.trackPoints. */
  track: TrackPoint[];
  /** The box the snapshot shows: high score x size, preferably not cut off by the frame edge. */
  best: TrackPoint;
}
