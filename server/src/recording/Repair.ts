import { createLogger } from '@porchlight/runtime';
import type { RecordingIndex } from './index/RecordingIndex.ts';
import type { ObjectStorage } from './storage/ObjectStorage.ts';

const logger = createLogger('Repair');

export interface RepairReport {
  /** Leftovers of interrupted writes (temp files). */
  partial: number;
  /** Index rows whose object was missing or had the wrong size (rows removed). */
  missingSegments: number;
  missingRuns: number;
  /** Objects no row refers to (objects removed). */
  orphans: number;
}

/**
 * Makes the index and the storage agree after a crash. Writes are object-then-row and deletes are
 * row-then-object, so a crash leaves at most: a temp file, an object without a row (the segment
 * in flight or a half-done delete), and never a consistent-looking row for a partial object since
 * object writes are atomic. Rows without a valid object are dropped anyway, in case the storage
 * was tampered with or restored from an older backup.
 */
export async function repairRecordings(
  index: RecordingIndex,
  storage: ObjectStorage,
): Promise<RepairReport> {
  const report: RepairReport = { partial: 0, missingSegments: 0, missingRuns: 0, orphans: 0 };
  report.partial = await storage.cleanupPartial();
  const objects = new Map<string, number>();
  // Keys starting with `_` are not segments (doorbell snapshots in a cluster): never orphans.
  for await (const o of storage.list('')) if (!o.key.startsWith('_')) objects.set(o.key, o.size);
  const referenced = new Set<string>();
  for (const stream of await index.listStreams()) {
    const validRuns = new Set<string>();
    for (const run of await index.listRuns(stream.deviceId)) {
      if (objects.get(run.storageKey) === run.storedBytes) {
        validRuns.add(run.id);
        referenced.add(run.storageKey);
      } else {
        await index.deleteRun(run.id);
        report.missingRuns++;
      }
    }
    const bad: number[] = [];
    for (const s of await index.allSegments(stream.deviceId)) {
      if (!validRuns.has(s.runId)) continue; // gone with its run (cascade)
      if (objects.get(s.storageKey) === s.storedBytes) referenced.add(s.storageKey);
      else bad.push(s.seq);
    }
    if (bad.length > 0) report.missingSegments += await index.deleteSegments(stream.deviceId, bad);
  }
  const orphans = [...objects.keys()].filter((k) => !referenced.has(k));
  await storage.delete(orphans);
  report.orphans = orphans.length;
  if (report.partial + report.missingSegments + report.missingRuns + report.orphans > 0) {
    logger.warn('recording storage repaired', { ...report });
  }
  return report;
}
