import type { DetectorInfo } from '@porchlight/protocol';
import type { FrameResult } from './FrameResult.ts';
import type { FromWorker, ToWorker, WorkerConfig } from './worker/messages.ts';
import { DEFAULT_ASSET_BASE } from './model/assets.ts';
import type { CropOptions, MotionOptions } from './motion/index.ts';

/** Options of `FrameDetector.create`; every field has a default. */
export interface FrameDetectorOptions {
  /** Where the model and .wasm files are served (default `/detector/<version>/`, same origin). */
  assetBase?: string;
  /** Default 'auto': wasm (SIMD), or a hardware WebGL backend when measured faster. */
  backend?: 'auto' | 'wasm';
  /** Persons under this score are dropped in the worker (default 0.2). */
  floor?: number;
  /** Motion gating (default on). `false`: the model runs on every whole frame. */
  motion?: boolean | Partial<MotionOptions>;
  crops?: Partial<CropOptions>;
  /** With persons seen and nothing moving, re-check the whole frame this often (default 1000 ms). */
  recheckMs?: number;
  /** Tests and the CLI may bring their own worker; default: the bundled detector worker. */
  createWorker?: () => Worker;
}

export class DetectorError extends Error {
  override readonly name = 'DetectorError';
}

/** Rejects pending and later calls once the detector is closed. */
export class DetectorClosedError extends DetectorError {}

type Pending = { resolve: (m: FromWorker) => void; reject: (e: Error) => void };

/**
 * Main-thread facade of the detector worker. `detect` transfers the bitmap (the caller must not
 * use it afterwards) and resolves with what the model saw; calls are processed in order.
 */
export class FrameDetector {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #info: DetectorInfo;
  #simd: boolean;
  #closed = false;

  private constructor(worker: Worker, info: DetectorInfo, simd: boolean) {
    this.#worker = worker;
    this.#info = info;
    this.#simd = simd;
  }

  static async create(options: FrameDetectorOptions = {}): Promise<FrameDetector> {
    const worker =
      options.createWorker?.() ??
      new Worker(new URL('./worker/detector.worker.ts', import.meta.url), { type: 'module' });
    const motion = options.motion ?? true;
    const config: WorkerConfig = {
      assetBase: options.assetBase ?? DEFAULT_ASSET_BASE,
      backend: options.backend ?? 'auto',
      floor: options.floor ?? 0.2,
      motion: motion === false ? null : motion === true ? {} : motion,
      crops: options.crops ?? {},
      recheckMs: options.recheckMs ?? 1000,
    };
    const ready = await new Promise<FromWorker>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<FromWorker>) => resolve(e.data);
      worker.onerror = (e) =>
        reject(new DetectorError(`detector worker failed to load: ${e.message}`));
      worker.postMessage({ type: 'init', id: 0, config } satisfies ToWorker);
    }).catch((e: unknown) => {
      worker.terminate();
      throw e;
    });
    if (ready.type !== 'ready') {
      worker.terminate();
      throw new DetectorError(
        `detector did not start: ${ready.type === 'error' ? ready.message : ready.type}`,
      );
    }
    const detector = new FrameDetector(worker, ready.info, ready.simd);
    worker.onmessage = (e: MessageEvent<FromWorker>) => detector.#receive(e.data);
    worker.onerror = (e) =>
      detector.#fail(new DetectorError(`detector worker crashed: ${e.message}`));
    return detector;
  }

  /** Backend, model and the running average of ms per model run. */
  get info(): DetectorInfo {
    return { ...this.#info };
  }

  /** The wasm backend runs its SIMD build. */
  get simd(): boolean {
    return this.#simd;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Detects persons in one frame. `t` is the frame time (default now); `force` runs the model on
   * the whole frame whatever motion gating says.
   */
  async detect(
    bitmap: ImageBitmap,
    t: number = Date.now(),
    options: { force?: boolean } = {},
  ): Promise<FrameResult> {
    if (this.#closed) {
      bitmap.close();
      throw new DetectorClosedError('detector is closed');
    }
    const id = this.#nextId++;
    const reply = new Promise<FromWorker>((resolve, reject) =>
      this.#pending.set(id, { resolve, reject }),
    );
    const msg: ToWorker = { type: 'detect', id, bitmap, t, force: options.force === true };
    this.#worker.postMessage(msg, [bitmap]);
    const m = await reply;
    if (m.type === 'error') throw new DetectorError(m.message);
    if (m.type !== 'result') throw new DetectorError(`unexpected reply ${m.type}`);
    this.#info = {
      ...this.#info,
      msPerFrame: m.result.ran
        ? 0.8 * this.#info.msPerFrame +
          0.2 * (m.result.ms / Math.max(1, m.result.crops?.length ?? 1))
        : this.#info.msPerFrame,
    };
    return m.result;
  }

  /** Idempotent: stops the worker and rejects what is still pending. */
  close(): void {
    if (this.#closed) return;
    this.#fail(new DetectorClosedError('detector is closed'));
  }

  #receive(m: FromWorker): void {
    const p = this.#pending.get(m.id);
    if (!p) return;
    this.#pending.delete(m.id);
    p.resolve(m);
  }

  #fail(error: Error): void {
    this.#closed = true;
    this.#worker.terminate();
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }
}
