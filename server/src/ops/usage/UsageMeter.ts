import { randomUUID } from 'node:crypto';
import { createLogger, EnhancedEventEmitter } from '@porchlight/runtime';
import {
  CHECKPOINT_HOUR,
  type UsageRepository,
  type UsageRollup,
} from '../../store/repositories/UsageRepository.ts';
import { hourOf } from './hours.ts';
import { StorageIntegral } from './StorageIntegral.ts';

/** Rows of the storage integral: byte-seconds and its checkpoint. */
function isStorageRow(r: UsageRollup): boolean {
  return r.hour === CHECKPOINT_HOUR || r.dimension === 'storedByteSeconds';
}

const logger = createLogger('UsageMeter');

/** Dimensions the meter adds up (activeChannels is a flag, storage an integral, TURN separate). */
export type CounterDimension = 'ingestBytes' | 'consumeBytes' | 'hlsBytes' | 'signalingMessages';

export interface UsageMeterOptions {
  repo: Pick<UsageRepository, 'apply' | 'checkpoints'>;
  now: () => number;
  /** Brings sampled counters (RTP byte counters) up to date; run first by every flush. */
  beforeFlush?: () => Promise<void>;
}

export type UsageMeterEvents = {
  /** A flush reached the database (rows written, including checkpoint rows). */
  flushed: [rows: number];
  /** A flush failed; its rows are kept and retried first by the next flush. */
  flushFailed: [error: unknown];
};

/**
 * Counts usage in memory per (hour, site, device, dimension) and writes it to the hourly rollups
 * on `flush`, with the storage integral's checkpoint in the same statement. A flush that fails
 * keeps its batch (same id) and retries it before anything newer, and the repository skips rows
 * already stamped with that id: nothing is counted twice. What a kill -9 loses is what was
 * counted since the last successful flush.
 */
export class UsageMeter extends EnhancedEventEmitter<UsageMeterEvents> {
  readonly storage = new StorageIntegral();
  readonly #o: UsageMeterOptions;
  readonly #counters = new Map<string, UsageRollup & { amount: bigint }>();
  readonly #channels = new Map<string, UsageRollup>();
  /** Open channels by site and device, with how many sockets hold each. */
  readonly #open = new Map<string, { siteId: string; deviceId: string; sockets: number }>();
  #inFlight: { id: string; rows: UsageRollup[] } | undefined;
  #flushing: Promise<void> | undefined;
  #closed = false;

  private constructor(o: UsageMeterOptions) {
    super();
    this.#o = o;
  }

  /** Reads the previous run's checkpoint, so the storage integral resumes where it stopped. */
  static async create(o: UsageMeterOptions): Promise<UsageMeter> {
    const meter = new UsageMeter(o);
    meter.storage.restore(await o.repo.checkpoints());
    return meter;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Adds to a counter of the current hour. Negative or non-integer amounts are a bug: ignored. */
  add(siteId: string, deviceId: string, dimension: CounterDimension, amount: number): void {
    if (this.#closed || !Number.isSafeInteger(amount) || amount <= 0) return;
    const hour = hourOf(this.#o.now());
    const key = `${hour}\u0000${siteId}\u0000${deviceId}\u0000${dimension}`;
    const c = this.#counters.get(key);
    if (c) c.amount += BigInt(amount);
    else {
      this.#counters.set(key, {
        hour,
        siteId,
        deviceId,
        dimension,
        quantity: '',
        amount: BigInt(amount),
      });
    }
  }

  /** A device's signaling channel was open in the current hour. */
  channel(siteId: string, deviceId: string): void {
    if (this.#closed) return;
    const hour = hourOf(this.#o.now());
    const row = { hour, siteId, deviceId, dimension: 'activeChannels', quantity: '1' };
    this.#channels.set(`${hour}\u0000${siteId}\u0000${deviceId}`, row);
  }

  /**
   * A device's signaling channel opened. It is active in the hour it opens, in the hour it closes
   * (the returned function) and, being marked at every flush while open, in every hour between.
   */
  channelOpened(siteId: string, deviceId: string): () => void {
    const key = `${siteId}\u0000${deviceId}`;
    const open = this.#open.get(key) ?? { siteId, deviceId, sockets: 0 };
    open.sockets++;
    this.#open.set(key, open);
    this.channel(siteId, deviceId);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.channel(siteId, deviceId);
      if (--open.sockets === 0) this.#open.delete(key);
    };
  }

  /** A stream's stored bytes changed (a segment written or deleted) at `at` (default now). */
  stored(siteId: string, deviceId: string, bytes: number, at = this.#o.now()): void {
    if (!this.#closed) this.storage.set(siteId, deviceId, bytes, at);
  }

  /**
   * This node no longer integrates stored bytes (a cluster's `usage-storage` lease moved): its
   * streams are forgotten, and so are the storage rows of a batch waiting for a retry. Whether
   * that batch committed or not, the new holder resumes from the checkpoint it finds in the
   * database, so retrying them could only count an interval twice.
   */
  forgetStorage(): void {
    this.storage.clear();
    if (this.#inFlight) {
      this.#inFlight = {
        ...this.#inFlight,
        rows: this.#inFlight.rows.filter((r) => !isStorageRow(r)),
      };
    }
  }

  /** Writes what was counted; concurrent calls share one run. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flush().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  async #flush(): Promise<void> {
    try {
      if (this.#inFlight) await this.#apply(this.#inFlight);
      await this.#o
        .beforeFlush?.()
        .catch((error: unknown) => logger.warn('usage sampling failed', { error: String(error) }));
      for (const open of this.#open.values()) this.channel(open.siteId, open.deviceId);
      const rows: UsageRollup[] = [
        ...[...this.#counters.values()].map(({ amount, ...r }) => ({
          ...r,
          quantity: amount.toString(),
        })),
        ...this.#channels.values(),
        ...this.storage.collect(this.#o.now()),
      ];
      this.#counters.clear();
      this.#channels.clear();
      if (rows.length === 0) return;
      await this.#apply({ id: randomUUID(), rows });
    } catch (error) {
      logger.warn('usage flush failed; kept for the next one', { error: String(error) });
      this.safeEmit('flushFailed', error);
    }
  }

  async #apply(batch: { id: string; rows: UsageRollup[] }): Promise<void> {
    this.#inFlight = batch;
    await this.#o.repo.apply(batch.id, batch.rows);
    this.#inFlight = undefined;
    this.safeEmit('flushed', batch.rows.length);
  }

  /** A last flush; counting stops. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return this.#flushing;
    await this.flush();
    this.#closed = true;
  }
}
