import type { Box } from '@porchlight/protocol';

/** What the detector saw in one frame (shared with src/pipeline, which filters and tracks it). */
export interface FrameResult {
  /** Frame time, unix ms (or the caller's clock). */
  t: number;
  /** Raw model output for "person" above the floor, merged across crops (NMS), normalized. */
  persons: { score: number; box: Box }[];
  /** Time the worker spent on this frame. */
  ms: number;
  /** Motion gating saw something move (always true without gating). */
  motion: boolean;
  /** The model ran (false: motion gating skipped it). */
  ran: boolean;
  /** The frame areas the model looked at (normalized); empty when it did not run. */
  crops?: Box[];
}
