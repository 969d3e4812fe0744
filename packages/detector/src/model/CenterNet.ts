import * as tf from '@tensorflow/tfjs';
import type { Box } from '@porchlight/protocol';
import { decodePersons, type Person } from './boxes.ts';
import { MODEL_INPUT_SIZE, MODEL_JSON, MODEL_OUTPUT_NODE } from './assets.ts';

type Source = ImageBitmap | OffscreenCanvas;

/**
 * CenterNet (COCO, MobileNetV3 backbone) as a tfjs graph model: input [1,512,512,3] float 0..255,
 * output [1,100,6] = x1,y1,x2,y2,score,class in input pixels. A crop of the frame is stretched to
 * 512x512, as the model's reference implementation does.
 */
export class CenterNet {
  readonly #model: tf.GraphModel;
  readonly #ctx: OffscreenCanvasRenderingContext2D;

  private constructor(model: tf.GraphModel) {
    this.#model = model;
    const canvas = new OffscreenCanvas(MODEL_INPUT_SIZE, MODEL_INPUT_SIZE);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2d context for the model input');
    ctx.imageSmoothingQuality = 'high';
    this.#ctx = ctx;
  }

  static async load(assetBase: string): Promise<CenterNet> {
    return new CenterNet(await tf.loadGraphModel(`${assetBase}${MODEL_JSON}`));
  }

  /** Persons (score >= floor) in the `crop` of `source`, in normalized frame coordinates. */
  async persons(source: Source, crop: Box, floor: number): Promise<Person[]> {
    const [w, h] = [source.width, source.height];
    const n = MODEL_INPUT_SIZE;
    this.#ctx.drawImage(source, crop[0] * w, crop[1] * h, crop[2] * w, crop[3] * h, 0, 0, n, n);
    const pixels = this.#ctx.getImageData(0, 0, n, n);
    const out = tf.tidy(() => {
      const input = tf.browser.fromPixels(pixels).toFloat().expandDims(0);
      return this.#model.execute(input, MODEL_OUTPUT_NODE) as tf.Tensor;
    });
    try {
      const rows = (await out.array()) as number[][][];
      return decodePersons(rows[0] ?? [], crop, n, floor);
    } finally {
      out.dispose();
    }
  }

  /** Compiles kernels and returns the ms of one warm run (the first run is much slower). */
  async warmUp(runs = 2): Promise<number> {
    const blank = new OffscreenCanvas(MODEL_INPUT_SIZE, MODEL_INPUT_SIZE);
    let ms = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await this.persons(blank, [0, 0, 1, 1], 1);
      ms = performance.now() - t0;
    }
    return ms;
  }

  dispose(): void {
    this.#model.dispose();
  }
}
