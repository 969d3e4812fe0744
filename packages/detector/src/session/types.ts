import type { Box, DetectorInfo } from '@porchlight/protocol';
import type { FrameResult } from '../FrameResult.ts';

/** A frame the session can hand over and release (ImageBitmap in browsers, fakes in tests). */
export interface Frame {
  close(): void;
}

/** Where frames come from. */
export interface FrameSource<F extends Frame> {
  /** The current frame, plus a copy to keep when asked (the frame itself goes to the detector); null when none is ready. */
  grab(keepCopy: boolean): Promise<{ frame: F; copy: F | null } | null>;
}

/** What the session needs of a detector; `FrameDetector` is one (for ImageBitmaps). */
export interface FrameDetectorLike<F extends Frame> {
  /** Takes ownership of the frame. */
  detect(frame: F, t: number): Promise<FrameResult>;
  readonly info: DetectorInfo;
  readonly closed: boolean;
}

/** Draws the box on the frame and encodes it (default: drawSnapshot, JPEG). */
export type SnapshotEncoder<F extends Frame> = (frame: F, box: Box) => Promise<Blob>;

export interface DetectionStats {
  /** Detector results per second over the last few seconds (model runs and motion-skipped frames). */
  detectionsPerSecond: number;
  /** Average model time per run (DetectorInfo.msPerFrame). */
  msPerFrame: number;
  backend: DetectorInfo['backend'];
  /** Share of one core the session was allowed when the stats were taken. */
  cpuBudget: number;
}
