import { KeyedSerial } from '../../KeyedSerial.ts';
import type { SqlExecutor } from '../../store/executor/SqlExecutor.ts';
import type { SegmentRecord } from '../types.ts';
import { SqlRecordingIndex } from './SqlRecordingIndex.ts';

/** A stream's stored segments changed; `storedBytes` is its total right after that change. */
export type StorageChange = (deviceId: string, storedBytes: number) => void;

/**
 * The recording index telling someone (usage metering's storage integral) each time a stream's
 * stored segments change: one call per insert or delete, with the stream's total read right after
 * the change and before the next change of that stream starts. Changes of one stream are run one
 * at a time here, so a total never includes a later change (a read after the fact would: under
 * load the recorder's insert and retention's delete can both commit before either total is read).
 */
export class ObservedRecordingIndex extends SqlRecordingIndex {
  readonly #changed: StorageChange;
  readonly #changes = new KeyedSerial();

  constructor(db: SqlExecutor, changed: StorageChange) {
    super(db);
    this.#changed = changed;
  }

  override insertSegment(s: SegmentRecord): Promise<void> {
    return this.#changes.run(s.deviceId, async () => {
      await super.insertSegment(s);
      await this.#report(s.deviceId);
    });
  }

  override deleteSegments(deviceId: string, seqs: readonly number[]): Promise<number> {
    return this.#changes.run(deviceId, async () => {
      const deleted = await super.deleteSegments(deviceId, seqs);
      if (deleted > 0) await this.#report(deviceId);
      return deleted;
    });
  }

  async #report(deviceId: string): Promise<void> {
    const { storedBytes } = await this.streamTotals(deviceId);
    this.#changed(deviceId, storedBytes);
  }
}
