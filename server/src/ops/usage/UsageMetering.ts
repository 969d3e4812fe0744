import { createLogger } from '@porchlight/runtime';
import { z } from 'zod';
import type { Cluster } from '../../cluster/Cluster.ts';
import type { LeaseHolder } from '../../cluster/Leases.ts';
import type { RecordingIndex } from '../../recording/index/RecordingIndex.ts';
import type { UsageMeter as RecordingUsage } from '../../recording/UsageMeter.ts';
import type { SignalingUsage } from '../../signaling/SignalingSession.ts';
import type { UsageRepository } from '../../store/repositories/UsageRepository.ts';
import { KeyedSerial } from '../../KeyedSerial.ts';
import { MediaSampler, type RoomSource } from './MediaSampler.ts';
import { UsageMeter } from './UsageMeter.ts';
import { UsageReport } from './UsageReport.ts';

const logger = createLogger('UsageMetering');

/** The lease of the one node that integrates stored bytes in a cluster. */
export const STORAGE_LEASE = 'usage-storage';
/** Bus channel: "this device's stored bytes changed" from a node to the lease holder. */
export const STORAGE_CHANGED = 'usage:storage-changed';
/** Only the device: the holder reads its size from the shared index (never a stale copy). */
const storageChangedSchema = z.object({ deviceId: z.string().min(1).max(200) }).strict();

export interface UsageMeteringOptions {
  repo: UsageRepository;
  rooms: RoomSource;
  /** How often RTP byte counters are read (usage.sampleIntervalMs). */
  sampleIntervalMs: number;
  /** How often usage is written (usage.flushIntervalMs): the crash window. */
  flushIntervalMs: number;
  now?: () => number;
  /**
   * In a cluster: the holder of the `usage-storage` lease integrates every stream's stored bytes,
   * the other nodes tell it their changes over the bus. Absent (a single box): this node does.
   */
  cluster?: Pick<Cluster, 'clustered' | 'leases' | 'bus'>;
}

/**
 * Usage metering, wired: the meter, the SFU counter sampler, the storage integral fed by the
 * recording index, signaling's channels and messages, and the report (the UsageQuery port).
 * Built before recording (whose index reports storage changes here), then `attachRecording`.
 */
export class UsageMetering {
  readonly meter: UsageMeter;
  readonly report: UsageReport;
  readonly sampler: MediaSampler;
  /** What signaling reports (SessionDeps.usage). */
  readonly signaling: SignalingUsage;
  readonly #timers: NodeJS.Timeout[] = [];
  #index: RecordingIndex | undefined;
  /** Storage changes per device, in order, so a later change never lands before an earlier one. */
  readonly #storage = new KeyedSerial();
  /** A stream's site (it never changes), looked up once. */
  readonly #siteOf = new Map<string, string>();
  #closing: Promise<void> | undefined;
  readonly #now: () => number;
  readonly #repo: UsageRepository;
  /** Cluster mode: the storage lease and the bus subscription (undefined on a single box). */
  readonly #lease: LeaseHolder | undefined;
  readonly #unsubscribe: (() => void) | undefined;
  readonly #publish: ((body: unknown) => Promise<void>) | undefined;
  /** Whether this node integrates stored bytes (always on a single box). */
  #integrating: boolean;
  /** The takeover after acquiring the lease: storage changes and flushes wait for it. */
  #takeover: Promise<void> = Promise.resolve();

  private constructor(o: UsageMeteringOptions, meter: UsageMeter) {
    this.meter = meter;
    this.#now = o.now ?? Date.now;
    this.#repo = o.repo;
    const cluster = o.cluster?.clustered ? o.cluster : undefined;
    this.#integrating = !cluster;
    this.report = new UsageReport(o.repo);
    this.sampler = new MediaSampler(o.rooms, meter);
    this.signaling = {
      channelOpened: (siteId, deviceId) => meter.channelOpened(siteId, deviceId),
      message: (siteId, deviceId) => meter.add(siteId, deviceId, 'signalingMessages', 1),
    };
    const every = (ms: number, task: () => Promise<void>): void => {
      const timer = setInterval(() => void task(), ms);
      timer.unref();
      this.#timers.push(timer);
    };
    every(o.sampleIntervalMs, () => this.sampler.sample());
    every(o.flushIntervalMs, () => this.meter.flush());
    if (cluster) {
      // Integrated only while holding the lease: the checkpoint read at start is the holder's.
      meter.storage.clear();
      this.#publish = (body) => cluster.bus.publish(STORAGE_CHANGED, body);
      this.#unsubscribe = cluster.bus.subscribe(STORAGE_CHANGED, storageChangedSchema, (m) =>
        this.#remoteChange(m.deviceId),
      );
      this.#lease = cluster.leases.hold(STORAGE_LEASE, {
        acquired: () => this.#acquired(),
        lost: () => this.#lost(),
      });
    }
  }

  /** Whether this node integrates stored bytes now (the lease holder; always on a single box). */
  get integratesStorage(): boolean {
    return this.#integrating && !this.meter.closed;
  }

  /**
   * This node integrates stored bytes from now on. It resumes from the checkpoint the previous
   * holder flushed last (the time since integrated at the checkpointed size: no hour lost, none
   * counted twice), then reads every stream's size from the shared index.
   */
  #acquired(): void {
    if (this.meter.closed) return;
    this.#integrating = true;
    logger.info('integrating stored bytes (usage-storage lease acquired)');
    this.#takeover = this.#takeover
      .then(async () => {
        const checkpoints = await this.#repo.checkpoints();
        if (!this.#integrating) return; // lost meanwhile
        this.meter.storage.clear();
        this.meter.storage.restore(checkpoints);
        if (this.#index) await this.#readAll(this.#index);
      })
      .catch((error: unknown) =>
        logger.error('usage storage takeover failed', { error: String(error) }),
      );
  }

  #lost(): void {
    this.#integrating = false;
    this.meter.forgetStorage();
    logger.warn('usage-storage lease lost: another node integrates stored bytes');
  }

  /** Another node's stream changed size: the holder reads it from the shared index now. */
  #remoteChange(deviceId: string): void {
    if (this.#integrating && !this.meter.closed) this.#apply(deviceId, undefined, this.#now());
  }

  /** Every stream's stored bytes as of now, into the integral. */
  async #readAll(index: RecordingIndex): Promise<void> {
    await Promise.all(
      (await index.listStreams()).map(async (s) => {
        const at = this.#now();
        const { storedBytes } = await index.streamTotals(s.deviceId);
        this.#apply(s.deviceId, storedBytes, at, false);
      }),
    );
    await this.#storage.settled();
  }

  static async create(o: UsageMeteringOptions): Promise<UsageMetering> {
    const late: { metering?: UsageMetering } = {};
    const meter = await UsageMeter.create({
      repo: o.repo,
      now: o.now ?? Date.now,
      beforeFlush: () => (late.metering ? late.metering.#beforeFlush() : Promise.resolve()),
    });
    late.metering = new UsageMetering(o, meter);
    return late.metering;
  }

  /** A flush sees every storage change reported before it, and fresh RTP counters. */
  async #beforeFlush(): Promise<void> {
    await Promise.all([this.#takeover.then(() => this.#storage.settled()), this.sampler.sample()]);
  }

  /**
   * Starts metering recordings: HLS and download bytes from playback, and every stream's stored
   * bytes as of now (the time since the last checkpoint is integrated at the checkpointed size).
   */
  async attachRecording(index: RecordingIndex, playback: RecordingUsage): Promise<void> {
    this.#index = index;
    playback.on('served', (deviceId, siteId, bytes, kind) =>
      this.meter.add(siteId, deviceId, kind === 'hls' ? 'hlsBytes' : 'consumeBytes', bytes),
    );
    // In a cluster the takeover reads them when (and if) this node gets the lease.
    await this.#takeover;
    if (this.#integrating && !this.meter.closed) await this.#readAll(index);
  }

  /**
   * A device's stored segments changed (ObservedRecordingIndex): it now stores `storedBytes`.
   * The time is taken now; only the stream's site is looked up (once), in order per device.
   */
  storageChanged(deviceId: string, storedBytes: number, at = this.#now()): void {
    // Before attachRecording (which reads every stream anyway) or after close: nothing to do.
    if (!this.#index || this.meter.closed) return;
    if (this.#integrating) return this.#apply(deviceId, storedBytes, at);
    // Another node integrates (or will, once it takes the lease over and reads every stream).
    void this.#publish?.({ deviceId }).catch((error: unknown) =>
      logger.warn('storage change not sent to the usage-storage holder', {
        deviceId,
        error: String(error),
      }),
    );
  }

  /**
   * Into the integral, in order per device; `storedBytes` undefined: read from the index.
   * Changes wait for a takeover in progress, except the takeover's own reads.
   */
  #apply(
    deviceId: string,
    storedBytes: number | undefined,
    at: number,
    afterTakeover = true,
  ): void {
    const index = this.#index;
    if (!index) return;
    const run = (): void =>
      void this.#storage
        .run(deviceId, async () => {
          if (!this.#integrating) return;
          const bytes = storedBytes ?? (await index.streamTotals(deviceId)).storedBytes;
          let siteId = this.#siteOf.get(deviceId);
          if (siteId === undefined) {
            siteId = (await index.getStream(deviceId))?.siteId;
            if (siteId === undefined) return;
            this.#siteOf.set(deviceId, siteId);
          }
          this.meter.stored(siteId, deviceId, bytes, at);
        })
        .catch((error: unknown) => logger.warn('storage change not metered', { deviceId, error }));
    // A takeover in progress restores the checkpoint first. Waited for outside the per-device
    // queue, which the takeover's own reads go through.
    if (afterTakeover && this.#lease) void this.#takeover.then(run);
    else run();
  }

  /**
   * Stops the timers; a last sample and flush. Idempotent. The storage lease is released after
   * that flush, so the next holder resumes from this node's last checkpoint.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const t of this.#timers) clearInterval(t);
      this.#unsubscribe?.();
      await this.#takeover;
      await this.#storage.settled();
      await this.meter.close();
      await this.#lease?.release();
    })();
    return this.#closing;
  }
}
