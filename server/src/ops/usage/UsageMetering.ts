import { createLogger } from '@porchlight/runtime';
import type { RecordingIndex } from '../../recording/index/RecordingIndex.ts';
import type { UsageMeter as RecordingUsage } from '../../recording/UsageMeter.ts';
import type { SignalingUsage } from '../../signaling/SignalingSession.ts';
import type { UsageRepository } from '../../store/repositories/UsageRepository.ts';
import { KeyedSerial } from '../../KeyedSerial.ts';
import { MediaSampler, type RoomSource } from './MediaSampler.ts';
import { UsageMeter } from './UsageMeter.ts';
import { UsageReport } from './UsageReport.ts';

const logger = createLogger('UsageMetering');

export interface UsageMeteringOptions {
  repo: UsageRepository;
  rooms: RoomSource;
  /** How often RTP byte counters are read (usage.sampleIntervalMs). */
  sampleIntervalMs: number;
  /** How often usage is written (usage.flushIntervalMs): the crash window. */
  flushIntervalMs: number;
  now?: () => number;
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

  private constructor(o: UsageMeteringOptions, meter: UsageMeter) {
    this.meter = meter;
    this.#now = o.now ?? Date.now;
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
    await Promise.all([this.#storage.settled(), this.sampler.sample()]);
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
    await Promise.all(
      (await index.listStreams()).map(async (s) => {
        const at = this.#now();
        const { storedBytes } = await index.streamTotals(s.deviceId);
        this.storageChanged(s.deviceId, storedBytes, at);
      }),
    );
    await this.#storage.settled();
  }

  /**
   * A device's stored segments changed (ObservedRecordingIndex): it now stores `storedBytes`.
   * The time is taken now; only the stream's site is looked up (once), in order per device.
   */
  storageChanged(deviceId: string, storedBytes: number, at = this.#now()): void {
    const index = this.#index;
    // Before attachRecording (which reads every stream anyway) or after close: nothing to do.
    if (!index || this.meter.closed) return;
    void this.#storage
      .run(deviceId, async () => {
        let siteId = this.#siteOf.get(deviceId);
        if (siteId === undefined) {
          siteId = (await index.getStream(deviceId))?.siteId;
          if (siteId === undefined) return;
          this.#siteOf.set(deviceId, siteId);
        }
        this.meter.stored(siteId, deviceId, storedBytes, at);
      })
      .catch((error: unknown) => logger.warn('storage change not metered', { deviceId, error }));
  }

  /** Stops the timers; a last sample and flush. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const t of this.#timers) clearInterval(t);
      await this.#storage.settled();
      await this.meter.close();
    })();
    return this.#closing;
  }
}
