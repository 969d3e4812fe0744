import type { SqlExecutor, SqlValue } from '../executor/SqlExecutor.ts';
import { clampLimit, column, int, nullable, Table, text } from '../executor/table.ts';

/** One relayed TURN session, recorded when it closed (for metering). */
export interface TurnUsage {
  id: number;
  /** Unix ms when the session closed. */
  at: number;
  principalKind: string;
  principalId: string;
  siteId: string | null;
  durationSeconds: number;
  bytesReceived: number;
  bytesSent: number;
}

export type NewTurnUsage = Omit<TurnUsage, 'id'>;

export interface TurnUsageQuery {
  siteId?: string;
  principalId?: string;
  /** Inclusive unix ms bounds on `at`. */
  since?: number;
  until?: number;
  /** Default 100, max 1000; newest first. */
  limit?: number;
}

export interface TurnUsageRepository {
  /** Returns the new record's id. */
  append(u: NewTurnUsage): Promise<number>;
  /** Newest first; `since`/`until` inclusive. */
  query(q: TurnUsageQuery): Promise<TurnUsage[]>;
}

const usage = new Table<TurnUsage>('turn_usage', {
  id: column('id', int),
  at: column('at', int),
  principalKind: column('principal_kind', text),
  principalId: column('principal_id', text),
  siteId: column('site_id', nullable(text)),
  durationSeconds: column('duration_seconds', int),
  bytesReceived: column('bytes_received', int),
  bytesSent: column('bytes_sent', int),
});

export class SqlTurnUsageRepository implements TurnUsageRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async append(u: NewTurnUsage): Promise<number> {
    const { rows } = await usage.insert(this.#db, u, ['id'], 'id');
    return Number(rows[0]?.id);
  }

  query(q: TurnUsageQuery): Promise<TurnUsage[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const conditions: [string, string | number | undefined][] = [
      ['site_id = ?', q.siteId],
      ['principal_id = ?', q.principalId],
      ['at >= ?', q.since],
      ['at <= ?', q.until],
    ];
    for (const [condition, value] of conditions) {
      if (value === undefined) continue;
      where.push(condition);
      params.push(value);
    }
    params.push(clampLimit(q.limit));
    return usage.many(
      this.#db,
      `SELECT ${usage.columnList} FROM turn_usage` +
        (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
        ' ORDER BY id DESC LIMIT ?',
      params,
    );
  }
}
