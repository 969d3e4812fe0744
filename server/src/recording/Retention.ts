import { createLogger } from '@porchlight/runtime';
import type { RecordingIndex } from './index/RecordingIndex.ts';
import type { SegmentVault } from './SegmentVault.ts';
import type { RecordingStream, SegmentRecord } from './types.ts';

const logger = createLogger('Retention');
const BATCH = 500;

export interface DiskGuardOptions {
  /** Delete while the volume has less free space than this. */
  minFreeBytes: number;
  /** Delete while all recordings together store more than this (0 = no cap). */
  maxTotalBytes: number;
}

export interface DiskGuardResult {
  deleted: SegmentRecord[];
  reason: 'low-disk' | 'quota' | null;
  freeBytes: number | null;
  totalBytes: number;
}

/**
 * Deletes what retention says must go. Rows go first, then objects: a crash in between leaves
 * orphan objects (removed by the repair pass), never rows pointing at nothing.
 */
export class Retention {
  readonly #index: RecordingIndex;
  readonly #vault: SegmentVault;
  /** Runs that are still recording keep their init segment even with no segment left. */
  readonly #activeRuns: () => ReadonlySet<string>;
  readonly #emptyRunGraceMs: number;
  readonly #now: () => number;

  /**
   * `emptyRunGraceMs`: empty runs started less than this ago are kept even when not recording
   * here. A cluster sets it: another node's run that has just started (its init segment stored,
   * no segment yet) is not in this node's `activeRuns`. Default 0 (a single box knows its runs).
   */
  constructor(
    index: RecordingIndex,
    vault: SegmentVault,
    activeRuns: () => ReadonlySet<string>,
    o: { emptyRunGraceMs?: number; now?: () => number } = {},
  ) {
    this.#index = index;
    this.#vault = vault;
    this.#activeRuns = activeRuns;
    this.#emptyRunGraceMs = o.emptyRunGraceMs ?? 0;
    this.#now = o.now ?? Date.now;
  }

  /** Applies a stream's age and size limits to what is stored; returns the deleted segments. */
  async enforce(stream: RecordingStream, now: number): Promise<SegmentRecord[]> {
    const deleted: SegmentRecord[] = [];
    if (stream.retentionMaxAgeSeconds !== null) {
      const cutoff = now - stream.retentionMaxAgeSeconds * 1000;
      for (;;) {
        const oldest = await this.#index.oldestSegments(stream.deviceId, BATCH);
        // Expired = ended before the cutoff; a segment straddling it stays.
        const expired = oldest.filter((s) => s.producerTime + s.durationMs <= cutoff);
        if (expired.length === 0) break;
        await this.#delete(stream.deviceId, expired);
        deleted.push(...expired);
        if (expired.length < oldest.length) break;
      }
    }
    if (stream.retentionMaxBytes !== null) {
      let { storedBytes } = await this.#index.streamTotals(stream.deviceId);
      while (storedBytes > stream.retentionMaxBytes) {
        const oldest = await this.#index.oldestSegments(stream.deviceId, BATCH);
        if (oldest.length === 0) break;
        const victims: SegmentRecord[] = [];
        for (const s of oldest) {
          if (storedBytes <= stream.retentionMaxBytes) break;
          victims.push(s);
          storedBytes -= s.storedBytes;
        }
        await this.#delete(stream.deviceId, victims);
        deleted.push(...victims);
      }
    }
    await this.#dropEmptyRuns(stream.deviceId);
    if (deleted.length > 0) {
      logger.info('retention', { deviceId: stream.deviceId, deleted: deleted.length });
    }
    return deleted;
  }

  /**
   * The site-wide guard: oldest segments of any stream go first while the volume is low on space
   * or the quota is exceeded.
   */
  async guard(o: DiskGuardOptions): Promise<DiskGuardResult> {
    const deleted: SegmentRecord[] = [];
    let reason: DiskGuardResult['reason'] = null;
    for (;;) {
      const capacity = await this.#vault.storage.capacity();
      const total = await this.#index.totalStoredBytes();
      const low = capacity !== null && capacity.freeBytes < o.minFreeBytes;
      const over = o.maxTotalBytes > 0 && total > o.maxTotalBytes;
      if (!low && !over) {
        return { deleted, reason, freeBytes: capacity?.freeBytes ?? null, totalBytes: total };
      }
      reason = low ? 'low-disk' : 'quota';
      const oldest = await this.#index.oldestSegmentsOverall(50);
      if (oldest.length === 0) {
        return { deleted, reason, freeBytes: capacity?.freeBytes ?? null, totalBytes: total };
      }
      let excess = over ? total - o.maxTotalBytes : Infinity;
      const victims: SegmentRecord[] = [];
      for (const s of oldest) {
        if (excess <= 0 && !low) break;
        victims.push(s);
        excess -= s.storedBytes;
      }
      const byDevice = new Map<string, SegmentRecord[]>();
      for (const v of victims) byDevice.set(v.deviceId, [...(byDevice.get(v.deviceId) ?? []), v]);
      for (const [deviceId, list] of byDevice) {
        await this.#delete(deviceId, list);
        await this.#dropEmptyRuns(deviceId);
      }
      deleted.push(...victims);
    }
  }

  async #delete(deviceId: string, segments: readonly SegmentRecord[]): Promise<void> {
    await this.#index.deleteSegments(
      deviceId,
      segments.map((s) => s.seq),
    );
    await this.#vault.delete(segments.map((s) => s.storageKey));
  }

  async #dropEmptyRuns(deviceId: string): Promise<void> {
    const active = this.#activeRuns();
    const youngest = this.#now() - this.#emptyRunGraceMs;
    for (const run of await this.#index.emptyRuns(deviceId)) {
      if (active.has(run.id)) continue;
      if (this.#emptyRunGraceMs > 0 && run.startedAt > youngest) continue;
      await this.#index.deleteRun(run.id);
      await this.#vault.delete([run.storageKey]);
    }
  }
}
