import { BillingConfigSchema, type BillingConfig } from '@porchlight/protocol';
import type { SqlExecutor } from '../../store/executor/SqlExecutor.ts';
import { DuplicateError } from '../../store/types.ts';
import { column, int, json, nullable, Table, text } from '../../store/executor/table.ts';
import { DEFAULT_BILLING_CONFIG } from './defaults.ts';

interface ConfigRow {
  id: number;
  config: unknown;
  updatedAt: number;
  updatedBy: string | null;
}

const table = new Table<ConfigRow>('billing_config', {
  id: column('id', int),
  config: column('config', json<unknown>()),
  updatedAt: column('updated_at', int),
  updatedBy: column('updated_by', nullable(text)),
});

/** The admin's billing configuration: one validated document in one row (migration 011). */
export class BillingConfigStore {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  /** The saved configuration, or the built-in example when none was saved. */
  async get(): Promise<BillingConfig> {
    const row = await table.getBy(this.#db, { id: 1 });
    if (!row) return DEFAULT_BILLING_CONFIG;
    // Saved documents were validated on the way in; parse again so a schema change shows here.
    return BillingConfigSchema.parse(row.config);
  }

  /** Replaces the configuration (already validated by the route's contract). */
  async put(config: BillingConfig, by: string | null, now: number): Promise<void> {
    const update = () =>
      this.#db.query(
        'UPDATE billing_config SET config = ?, updated_at = ?, updated_by = ? WHERE id = 1',
        [JSON.stringify(config), now, by],
      );
    if ((await update()).rowCount > 0) return;
    try {
      await table.insert(this.#db, { id: 1, config, updatedAt: now, updatedBy: by });
    } catch (error) {
      // Two first saves at once: the other inserted; ours updates it.
      if (!(error instanceof DuplicateError)) throw error;
      await update();
    }
  }
}
