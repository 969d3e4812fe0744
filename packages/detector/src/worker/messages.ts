import type { Box, DetectorInfo } from '@porchlight/protocol';
import type { CropOptions, MotionOptions } from '../motion/index.ts';
import type { FrameResult } from '../FrameResult.ts';

/** What the page tells the detector worker. Bitmaps are transferred, never copied. */
export type ToWorker =
  | { type: 'init'; id: number; config: WorkerConfig }
  | { type: 'detect'; id: number; bitmap: ImageBitmap; t: number; force: boolean };

export type FromWorker =
  | { type: 'ready'; id: number; info: DetectorInfo; simd: boolean }
  | { type: 'result'; id: number; result: FrameResult }
  | { type: 'error'; id: number; message: string };

export interface WorkerConfig {
  /** Same-origin URL (trailing slash) of the model and .wasm files. */
  assetBase: string;
  /** 'auto' also measures a hardware WebGL backend and keeps it when faster. */
  backend: 'auto' | 'wasm';
  /** Persons under this score are not reported at all (the pipeline filters further). */
  floor: number;
  /** null = no motion gating: every frame runs the model on the whole frame. */
  motion: Partial<MotionOptions> | null;
  crops: Partial<CropOptions>;
  /** With persons seen and no motion, still look at the whole frame this often (ms of frame time). */
  recheckMs: number;
}

export type { Box };
