import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';

const logger = createLogger('WorkerPool');

export interface WorkerPoolOptions {
  numWorkers: number;
  listenIp: string;
  announcedAddress: string;
  /** Worker i binds rtcPort + i (UDP and TCP); 0 = ephemeral. */
  rtcPort: number;
  logLevel: types.WorkerLogLevel;
  /** Delay before respawning a dead worker; doubles on repeated failures up to 10 s. */
  respawnDelayMs?: number;
}

/** One live mediasoup worker with its WebRtcServer. */
export interface WorkerSlot {
  readonly index: number;
  readonly worker: types.Worker;
  readonly webRtcServer: types.WebRtcServer;
  /** Routers currently placed on it. */
  routers: number;
}

export type WorkerPoolEvents = {
  /** A worker died; its routers are already closed by mediasoup. */
  workerDied: [index: number, error: Error];
  /** A replacement worker is up. */
  workerRespawned: [slot: WorkerSlot];
};

/**
 * One mediasoup worker per core, each with a WebRtcServer on a fixed port so media uses a small
 * known set of ports. Dead workers are respawned; rooms move by listening to their router closing.
 */
export class WorkerPool extends EnhancedEventEmitter<WorkerPoolEvents> {
  readonly #options: WorkerPoolOptions;
  readonly #slots: (WorkerSlot | undefined)[];
  #closed = false;

  private constructor(options: WorkerPoolOptions) {
    super();
    this.#options = options;
    this.#slots = new Array<WorkerSlot | undefined>(options.numWorkers).fill(undefined);
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    try {
      for (let i = 0; i < options.numWorkers; i++) pool.#slots[i] = await pool.#spawn(i);
    } catch (error) {
      await pool.close();
      throw error;
    }
    logger.info('workers started', {
      count: options.numWorkers,
      pids: pool.slots.map((s) => s.worker.pid),
    });
    return pool;
  }

  /** Live slots. mediasoup closes a dead worker's routers before emitting `died`, so check it here too. */
  get slots(): WorkerSlot[] {
    return this.#slots.filter(
      (s): s is WorkerSlot => s !== undefined && !s.worker.died && !s.worker.closed,
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The live worker with fewest routers; waits for a respawn if none is live. */
  async acquire(timeoutMs = 15_000): Promise<WorkerSlot> {
    const pick = (): WorkerSlot | undefined =>
      this.slots.reduce<WorkerSlot | undefined>(
        (best, s) => (!best || s.routers < best.routers ? s : best),
        undefined,
      );
    const now = pick();
    if (now) return now;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('workerRespawned', onSpawn);
        reject(new Error('no mediasoup worker available'));
      }, timeoutMs);
      const onSpawn = (slot: WorkerSlot): void => {
        clearTimeout(timer);
        this.off('workerRespawned', onSpawn);
        resolve(slot);
      };
      this.on('workerRespawned', onSpawn);
    });
  }

  /** Resource usage of every live worker (for stats and benchmarks). */
  async usage(): Promise<{ pid: number; usage: types.WorkerResourceUsage }[]> {
    return Promise.all(
      this.slots.map(async (s) => ({
        pid: s.worker.pid,
        usage: await s.worker.getResourceUsage(),
      })),
    );
  }

  /** Closes every worker and resolves once their processes have exited (bounded wait). Idempotent. */
  async close(timeoutMs = 3000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const exits = this.slots.map(
      (slot) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          slot.worker.once('subprocessclose', () => {
            clearTimeout(timer);
            resolve();
          });
          slot.worker.close();
        }),
    );
    this.#slots.fill(undefined);
    await Promise.all(exits);
  }

  async #spawn(index: number): Promise<WorkerSlot> {
    const o = this.#options;
    const worker = await mediasoup.createWorker({ logLevel: o.logLevel });
    try {
      const port = o.rtcPort === 0 ? undefined : o.rtcPort + index;
      const base = {
        ip: o.listenIp,
        announcedAddress: o.announcedAddress,
        ...(port ? { port } : {}),
      };
      const webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ...base },
          { protocol: 'tcp', ...base },
        ],
      });
      const slot: WorkerSlot = { index, worker, webRtcServer, routers: 0 };
      worker.on('died', (error) => this.#onDied(slot, error));
      return slot;
    } catch (error) {
      worker.close();
      throw error;
    }
  }

  #onDied(slot: WorkerSlot, error: Error): void {
    if (this.#closed) return;
    logger.warn('worker died, respawning', {
      index: slot.index,
      pid: slot.worker.pid,
      error: error.message,
    });
    this.#slots[slot.index] = undefined;
    this.safeEmit('workerDied', slot.index, error);
    void this.#respawn(slot.index, this.#options.respawnDelayMs ?? 100);
  }

  async #respawn(index: number, delayMs: number): Promise<void> {
    // A just-died worker's ports can take a moment to be released.
    await new Promise((r) => setTimeout(r, delayMs));
    if (this.#closed) return;
    try {
      const slot = await this.#spawn(index);
      if (this.#closed) {
        slot.worker.close();
        return;
      }
      this.#slots[index] = slot;
      logger.info('worker respawned', { index, pid: slot.worker.pid });
      this.safeEmit('workerRespawned', slot);
    } catch (error) {
      logger.error('worker respawn failed, retrying', { index, error });
      void this.#respawn(index, Math.min(delayMs * 2, 10_000));
    }
  }
}
