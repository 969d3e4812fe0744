import type { SqlExecutor } from '../../store/executor/SqlExecutor.ts';
import type { SegmentRecord } from '../types.ts';
import { SqlRecordingIndex } from './SqlRecordingIndex.ts';

/**
 * The recording index telling someone (usage metering's storage integral) each time a stream's
 * stored segments change, right after the change is committed: one call per insert or delete.
 */
export class ObservedRecordingIndex extends SqlRecordingIndex {
  readonly #changed: (deviceId: string) => void;

  constructor(db: SqlExecutor, changed: (deviceId: string) => void) {
    super(db);
    this.#changed = changed;
  }

  override async insertSegment(s: SegmentRecord): Promise<void> {
    await super.insertSegment(s);
    this.#changed(s.deviceId);
  }

  override async deleteSegments(deviceId: string, seqs: readonly number[]): Promise<number> {
    const deleted = await super.deleteSegments(deviceId, seqs);
    if (deleted > 0) this.#changed(deviceId);
    return deleted;
  }
}
