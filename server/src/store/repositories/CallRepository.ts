import type { AnsweredBy, CallOutcome } from '@porchlight/protocol';
import type { SqlExecutor } from '../executor/SqlExecutor.ts';
import { column, int, json, literal, nullable, Table, text } from '../executor/table.ts';

/** One doorbell call as kept in the history. */
export interface CallRow {
  id: string;
  siteId: string;
  doorId: string;
  via: 'link' | 'doorbell';
  startedAt: number;
  ringWindowMs: number;
  /** null while the call is live. */
  outcome: CallOutcome | null;
  answeredBy: AnsweredBy | null;
  answeredAt: number | null;
  endedAt: number | null;
  durationSeconds: number;
  /** Storage key of the encrypted visitor snapshot. */
  snapshotRef: string | null;
  /** Reference of the visitor's video message. */
  messageRef: string | null;
}

export type CallPatch = Partial<
  Pick<
    CallRow,
    | 'outcome'
    | 'answeredBy'
    | 'answeredAt'
    | 'endedAt'
    | 'durationSeconds'
    | 'snapshotRef'
    | 'messageRef'
  >
>;

export interface CallRepository {
  create(c: CallRow): Promise<void>;
  get(id: string): Promise<CallRow | null>;
  update(id: string, patch: CallPatch): Promise<boolean>;
  /** A door's calls started before `before`, newest first. */
  listForDoor(doorId: string, o: { before?: number; limit: number }): Promise<CallRow[]>;
  /** Calls started before `cutoff` (for purging their files), then deleted by `deleteOlder`. */
  listOlder(cutoff: number, limit: number): Promise<CallRow[]>;
  deleteOlder(cutoff: number): Promise<number>;
  /** Calls left live by a stopped server: marked ended. */
  endDangling(at: number): Promise<number>;
  /** Calls still live in the table (outcome unset), oldest first. */
  listOpen(limit: number): Promise<CallRow[]>;
  /** Ends one call only if still live; false when it had ended already (another node was first). */
  endIfOpen(
    id: string,
    end: Pick<CallRow, 'outcome' | 'endedAt' | 'durationSeconds'>,
  ): Promise<boolean>;
}

const calls = new Table<CallRow>('calls', {
  id: column('id', text),
  siteId: column('site_id', text),
  doorId: column('door_id', text),
  via: column('via', literal<'link' | 'doorbell'>()),
  startedAt: column('started_at', int),
  ringWindowMs: column('ring_window_ms', int),
  outcome: column('outcome', nullable(literal<CallOutcome>())),
  answeredBy: column('answered_by', nullable(json<AnsweredBy>())),
  answeredAt: column('answered_at', nullable(int)),
  endedAt: column('ended_at', nullable(int)),
  durationSeconds: column('duration_s', int),
  snapshotRef: column('snapshot_ref', nullable(text)),
  messageRef: column('message_ref', nullable(text)),
});

const PATCHABLE = [
  'outcome',
  'answeredBy',
  'answeredAt',
  'endedAt',
  'durationSeconds',
  'snapshotRef',
  'messageRef',
] as const;

export class SqlCallRepository implements CallRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async create(c: CallRow): Promise<void> {
    await calls.insert(this.#db, c);
  }

  get(id: string): Promise<CallRow | null> {
    return calls.getBy(this.#db, { id });
  }

  update(id: string, patch: CallPatch): Promise<boolean> {
    return calls.patch(this.#db, 'id', id, PATCHABLE, patch);
  }

  listForDoor(doorId: string, o: { before?: number; limit: number }): Promise<CallRow[]> {
    const before = o.before ?? Number.MAX_SAFE_INTEGER;
    return calls.many(
      this.#db,
      `SELECT ${calls.columnList} FROM calls WHERE door_id = ? AND started_at < ? ORDER BY started_at DESC, id DESC LIMIT ?`,
      [doorId, before, o.limit],
    );
  }

  listOlder(cutoff: number, limit: number): Promise<CallRow[]> {
    return calls.many(
      this.#db,
      `SELECT ${calls.columnList} FROM calls WHERE started_at < ? ORDER BY started_at LIMIT ?`,
      [cutoff, limit],
    );
  }

  async deleteOlder(cutoff: number): Promise<number> {
    const { rowCount } = await this.#db.query('DELETE FROM calls WHERE started_at < ?', [cutoff]);
    return rowCount;
  }

  async endDangling(at: number): Promise<number> {
    const { rowCount } = await this.#db.query(
      "UPDATE calls SET outcome = CASE WHEN answered_at IS NULL THEN 'missed' ELSE 'answered' END, ended_at = ? WHERE outcome IS NULL",
      [at],
    );
    return rowCount;
  }

  listOpen(limit: number): Promise<CallRow[]> {
    return calls.many(
      this.#db,
      `SELECT ${calls.columnList} FROM calls WHERE outcome IS NULL ORDER BY started_at LIMIT ?`,
      [limit],
    );
  }

  async endIfOpen(
    id: string,
    end: Pick<CallRow, 'outcome' | 'endedAt' | 'durationSeconds'>,
  ): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      'UPDATE calls SET outcome = ?, ended_at = ?, duration_s = ? WHERE id = ? AND outcome IS NULL',
      [end.outcome, end.endedAt, end.durationSeconds, id],
    );
    return rowCount === 1;
  }
}
