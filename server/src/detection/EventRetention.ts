import { createLogger } from '@porchlight/runtime';
import type { DetectionRepository } from './DetectionRepository.ts';
import type { EventSnapshots } from './EventSnapshots.ts';
import type { EventRecordingPort } from './ports.ts';

const logger = createLogger('detection:retention');

/** Events of cameras whose recordings have no age limit are kept this long. */
export const DEFAULT_EVENT_RETENTION_DAYS = 30;

/**
 * Events live as long as the camera's recordings: each recording maintenance pass (the
 * recording retention job) deletes the events, and their snapshots, older than the camera's
 * recording age limit (DEFAULT_EVENT_RETENTION_DAYS when it has none).
 */
export class EventRetention {
  readonly #repo: DetectionRepository;
  readonly #snapshots: EventSnapshots;
  readonly #recording: Pick<EventRecordingPort, 'retentionMs'>;
  readonly #defaultMs: number;

  constructor(o: {
    repo: DetectionRepository;
    snapshots: EventSnapshots;
    recording: Pick<EventRecordingPort, 'retentionMs'>;
    defaultRetentionDays?: number;
  }) {
    this.#repo = o.repo;
    this.#snapshots = o.snapshots;
    this.#recording = o.recording;
    this.#defaultMs = (o.defaultRetentionDays ?? DEFAULT_EVENT_RETENTION_DAYS) * 86_400_000;
  }

  /** Deletes what is past every camera's limit; returns how many events went. */
  async purge(now: number): Promise<number> {
    let purged = 0;
    for (const { deviceId } of await this.#repo.devicesWithEvents()) {
      const keepMs = (await this.#recording.retentionMs(deviceId)) ?? this.#defaultMs;
      for (;;) {
        const old = await this.#repo.listOlder(deviceId, now - keepMs, 500);
        for (const e of old) if (e.snapshotRef) await this.#snapshots.delete(e.snapshotRef);
        purged += await this.#repo.deleteEvents(old.map((e) => e.id));
        if (old.length < 500) break;
      }
    }
    if (purged > 0) logger.info('detection events purged', { purged });
    await this.#sweepOrphans();
    return purged;
  }

  /** Snapshots whose event is gone without retention (a deleted site's cameras cascade). */
  async #sweepOrphans(): Promise<void> {
    const ids = await this.#snapshots.storedIds();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const alive = await this.#repo.existingIds(chunk);
      for (const id of chunk) if (!alive.has(id)) await this.#snapshots.delete(`${id}.jpg.enc`);
    }
  }
}
