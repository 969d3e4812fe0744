import type { AlarmKind } from '@porchlight/protocol';
import type { DeviceRepository } from '../../store/repositories/DeviceRepository.ts';
import type { EventCounter } from './EventCounter.ts';
import type { AlarmSignals, SignalTarget } from './ports.ts';
import type { RecordingWatch } from './RecordingWatch.ts';
import type { StreamWatch } from './StreamWatch.ts';

const HOUR_MS = 3_600_000;

/** Where the box's signals come from; the composition root fills it from the real components. */
export interface ServerSignalSources {
  devices: Pick<DeviceRepository, 'list' | 'get'>;
  streams: StreamWatch;
  /** Null when recording is disabled on this server. */
  recordings: RecordingWatch | null;
  storage: {
    /** Bytes of every recording together. */
    totalStoredBytes(): Promise<number>;
    /** Size and free space of the recording volume; null for object storage. */
    capacity(): Promise<{ totalBytes: number; freeBytes: number } | null>;
    /** The recording quota (recording.maxTotalBytes); 0 = none. */
    quotaBytes: number;
  };
  workerDeaths: EventCounter;
  /** Whether coturn passes its health probe; null when TURN is not run by this server. */
  turnHealthy: () => boolean | null;
  databaseErrors: EventCounter;
  pushFailures: EventCounter;
}

/** AlarmSignals over the server's own components (see ServerSignalSources). */
export class ServerSignals implements AlarmSignals {
  readonly #s: ServerSignalSources;

  constructor(sources: ServerSignalSources) {
    this.#s = sources;
  }

  async sample(
    kind: AlarmKind,
    target: SignalTarget,
    period: { from: number; now: number },
  ): Promise<number | null> {
    const s = this.#s;
    switch (kind) {
      case 'stream-down':
        return this.#streamDown(target);
      case 'recording-stalled':
        return s.recordings ? s.recordings.stalledSeconds(target.siteId, target.deviceId) : null;
      case 'storage-quota':
        return this.#quotaPercent();
      case 'disk-free':
        return (await s.storage.capacity())?.freeBytes ?? null;
      case 'worker-restarts':
        return s.workerDeaths.count(period.now - HOUR_MS, period.now);
      case 'turn-unhealthy': {
        const healthy = s.turnHealthy();
        return healthy === null ? null : healthy ? 0 : 1;
      }
      case 'database-errors':
        return s.databaseErrors.count(period.from, period.now);
      case 'push-failures':
        return s.pushFailures.count(period.from, period.now);
    }
  }

  /** The target camera's down time, or the longest of the site's cameras; null without cameras. */
  async #streamDown(target: SignalTarget): Promise<number | null> {
    const devices = target.deviceId
      ? [await this.#s.devices.get(target.deviceId)]
      : await this.#s.devices.list(target.siteId);
    // Site-wide: cameras only (a doorbell publishes during calls, not all the time).
    const cameras = devices.filter(
      (d) =>
        d !== null &&
        d.siteId === target.siteId &&
        d.revokedAt === null &&
        (target.deviceId !== null || d.kind === 'camera'),
    );
    if (cameras.length === 0) return null;
    return Math.max(...cameras.map((d) => this.#s.streams.downSeconds(d!.id, d!.createdAt)));
  }

  /** Recordings against the quota, or the volume's fill level when there is no quota. */
  async #quotaPercent(): Promise<number | null> {
    const { storage } = this.#s;
    if (storage.quotaBytes > 0)
      return (100 * (await storage.totalStoredBytes())) / storage.quotaBytes;
    const c = await storage.capacity();
    if (!c || c.totalBytes === 0) return null;
    return (100 * (c.totalBytes - c.freeBytes)) / c.totalBytes;
  }
}
