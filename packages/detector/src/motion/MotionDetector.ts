import type { Box } from '@porchlight/protocol';
import { normalizeContrast, type GrayFrame } from './gray.ts';
import { cellRegions, changedCells, type RegionOptions } from './regions.ts';

export interface MotionOptions extends RegionOptions {
  /** A pixel changed when its normalized value moved by more than this many standard deviations. */
  pixelThreshold: number;
  /**
   * Lighting-change guard: when more than this fraction of the cells changed at once, the change
   * is global (lights switched, IR mode, camera bumped, exposure jump that normalization could not
   * absorb), not an object moving: no regions, and the frame becomes the new reference.
   */
  maxChangedFraction: number;
}

/** Defaults for a ~160 px wide gray frame (documented in docs/detection.md). */
export const DEFAULT_MOTION_OPTIONS: MotionOptions = {
  pixelThreshold: 0.6,
  cell: 8,
  cellFraction: 0.15,
  minCells: 2,
  maxChangedFraction: 0.5,
};

export interface MotionResult {
  /** Something moved (regions is non-empty). */
  motion: boolean;
  /** Normalized boxes around what moved. */
  regions: Box[];
  /** The lighting guard fired: a global change was ignored. */
  lighting: boolean;
}

/**
 * Frame differencing against the previous frame, on contrast-normalized small gray frames. The
 * first frame (and any size change) counts as motion everywhere, so the caller looks once.
 */
export class MotionDetector {
  readonly #options: MotionOptions;
  #previous: { width: number; height: number; norm: Float32Array } | null = null;

  constructor(options: Partial<MotionOptions> = {}) {
    this.#options = { ...DEFAULT_MOTION_OPTIONS, ...options };
  }

  update(frame: GrayFrame): MotionResult {
    const norm = normalizeContrast(frame);
    const prev = this.#previous;
    this.#previous = { width: frame.width, height: frame.height, norm };
    if (!prev || prev.width !== frame.width || prev.height !== frame.height) {
      return { motion: true, regions: [[0, 0, 1, 1]], lighting: false };
    }
    const changed = new Uint8Array(norm.length);
    const threshold = this.#options.pixelThreshold;
    for (let i = 0; i < norm.length; i++) {
      changed[i] = Math.abs(norm[i]! - prev.norm[i]!) > threshold ? 1 : 0;
    }
    const grid = changedCells(changed, frame.width, frame.height, this.#options);
    let activeCells = 0;
    for (const a of grid.active) activeCells += a;
    if (activeCells > this.#options.maxChangedFraction * grid.active.length) {
      return { motion: false, regions: [], lighting: true };
    }
    const regions = cellRegions(grid, this.#options);
    return { motion: regions.length > 0, regions, lighting: false };
  }

  /** Forget the reference frame (the next frame counts as motion everywhere). */
  reset(): void {
    this.#previous = null;
  }
}
