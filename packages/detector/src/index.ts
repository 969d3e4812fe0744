// det-core: the model, the worker, motion gating and the main-thread facade.
export {
  FrameDetector,
  DetectorError,
  DetectorClosedError,
  type FrameDetectorOptions,
} from './FrameDetector.ts';
export type { FrameResult } from './FrameResult.ts';
export * from './model/index.ts';
export * from './motion/index.ts';
// det-logic: filters, tracking and events.
export * from './pipeline/index.ts';
export {
  DetectionSession,
  type DetectionSessionEvents,
  type DetectionSessionOptions,
} from './DetectionSession.ts';
export type {
  DetectionStats,
  Frame,
  FrameDetectorLike,
  FrameSource,
  SnapshotEncoder,
} from './session/types.ts';
export { videoFrameSource } from './session/videoFrameSource.ts';
export {
  BudgetController,
  DEFAULT_BUDGET_OPTIONS,
  type BudgetOptions,
  type BudgetState,
  type BudgetTrouble,
  type EncoderSample,
} from './session/BudgetController.ts';
export {
  drawSnapshot,
  DEFAULT_SNAPSHOT_OPTIONS,
  SnapshotTooLargeError,
  type SnapshotOptions,
} from './session/snapshot.ts';
