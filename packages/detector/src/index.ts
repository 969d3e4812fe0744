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
