import type { Box, DetectionBackend, DetectorInfo } from '@porchlight/protocol';
import { CenterNet } from '../model/CenterNet.ts';
import { hardwareWebgl, startWasm, useBackend } from '../model/backend.ts';
import { nms, type Person } from '../model/boxes.ts';
import { MODEL_NAME } from '../model/assets.ts';
import { MotionDetector } from '../motion/MotionDetector.ts';
import { cropsForRegions, DEFAULT_CROP_OPTIONS, type CropOptions } from '../motion/crops.ts';
import { rgbaToGray } from '../motion/gray.ts';
import type { FrameResult } from '../FrameResult.ts';
import type { WorkerConfig } from './messages.ts';

/** Width of the gray frame motion gating compares (height follows the aspect ratio). */
const MOTION_WIDTH = 160;
const WHOLE: Box = [0, 0, 1, 1];

/**
 * Runs inside the worker: motion gating, then the model on the crops (or the whole frame), then
 * NMS across crops. One frame at a time (the worker's message queue serializes calls).
 */
export class FrameAnalyzer {
  readonly #config: WorkerConfig;
  readonly #model: CenterNet;
  readonly #motion: MotionDetector | null;
  readonly #crops: CropOptions;
  readonly #info: DetectorInfo;
  readonly simd: boolean;
  #motionCtx: OffscreenCanvasRenderingContext2D | null = null;
  #lastPersons = 0;
  #lastRunT = -Infinity;

  private constructor(config: WorkerConfig, model: CenterNet, info: DetectorInfo, simd: boolean) {
    this.#config = config;
    this.#model = model;
    this.#info = info;
    this.simd = simd;
    this.#motion = config.motion ? new MotionDetector(config.motion) : null;
    this.#crops = { ...DEFAULT_CROP_OPTIONS, ...config.crops };
  }

  static async create(config: WorkerConfig): Promise<FrameAnalyzer> {
    const { simd } = await startWasm(config.assetBase);
    const model = await CenterNet.load(config.assetBase);
    let backend: DetectionBackend = 'wasm';
    let msPerFrame = await model.warmUp();
    if (config.backend === 'auto' && hardwareWebgl() && (await useBackend('webgl'))) {
      const glMs = await model.warmUp(3);
      if (glMs < msPerFrame) [backend, msPerFrame] = ['webgl', glMs];
      else await useBackend('wasm');
    }
    return new FrameAnalyzer(config, model, { backend, model: MODEL_NAME, msPerFrame }, simd);
  }

  get info(): DetectorInfo {
    return { ...this.#info };
  }

  async analyze(bitmap: ImageBitmap, t: number, force: boolean): Promise<FrameResult> {
    const t0 = performance.now();
    try {
      let motion = true;
      let crops: Box[] = [WHOLE];
      if (this.#motion && !force) {
        const m = this.#motion.update(this.#gray(bitmap));
        motion = m.motion;
        crops = cropsForRegions(m.regions, bitmap.width, bitmap.height, this.#crops);
        // Someone standing still makes no motion: keep looking at them now and then.
        if (
          !crops.length &&
          this.#lastPersons > 0 &&
          t - this.#lastRunT >= this.#config.recheckMs
        ) {
          crops = [WHOLE];
        }
      }
      const found: Person[] = [];
      for (const crop of crops)
        found.push(...(await this.#model.persons(bitmap, crop, this.#config.floor)));
      // CenterNet repeats a person in neighbouring heatmap peaks, and crops overlap: one box each.
      const persons = nms(found);
      const ms = performance.now() - t0;
      if (crops.length) {
        this.#lastPersons = persons.length;
        this.#lastRunT = t;
      }
      return { t, persons, ms, motion, ran: crops.length > 0, crops };
    } finally {
      bitmap.close();
    }
  }

  #gray(bitmap: ImageBitmap): ReturnType<typeof rgbaToGray> {
    const w = MOTION_WIDTH;
    const h = Math.max(1, Math.round((MOTION_WIDTH * bitmap.height) / bitmap.width));
    if (!this.#motionCtx || this.#motionCtx.canvas.height !== h) {
      const ctx = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('no 2d context for motion gating');
      this.#motionCtx = ctx;
    }
    this.#motionCtx.drawImage(bitmap, 0, 0, w, h);
    return rgbaToGray(this.#motionCtx.getImageData(0, 0, w, h).data, w, h);
  }

  close(): void {
    this.#model.dispose();
  }
}
