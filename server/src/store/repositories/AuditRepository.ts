import type { SqlExecutor, SqlValue } from '../executor/SqlExecutor.ts';
import {
  clampLimit,
  column,
  int,
  json,
  literal,
  nullable,
  Table,
  text,
} from '../executor/table.ts';

export type ActorType =
  'account' | 'device' | 'apikey' | 'visitor' | 'detector' | 'system' | 'anonymous';

export interface AuditEvent {
  id: number;
  at: number;
  actorType: ActorType;
  actorId: string | null;
  /** What happened: 'auth.login', 'grant.create', 'grant.revoke', 'device.provision', 'recording.view'... */
  action: string;
  /** Resource path it happened to, e.g. 'site/<id>/device/<id>'. */
  resource: string | null;
  outcome: 'success' | 'failure' | 'denied';
  ip: string | null;
  /** Small JSON-serialisable details (never secrets). */
  detail: Record<string, unknown>;
}

export type NewAuditEvent = Omit<AuditEvent, 'id'>;

export interface AuditQuery {
  siteId?: string;
  actorId?: string;
  /** Exact action, or every action under a prefix ending in '.' ('grant.'). */
  action?: string;
  outcome?: AuditEvent['outcome'];
  since?: number;
  until?: number;
  /** Default 100, max 1000. */
  limit?: number;
  /** Return events with id < before (paging, newest first). */
  before?: number;
}

/** Where a row sits in the hash chain (identity/audit/auditChain.ts). */
export interface ChainLink {
  prevHash: string;
  hash: string;
}

/** A row as verification reads it: null links for rows written before the chain existed. */
export type ChainedAuditEvent = AuditEvent & { prevHash: string | null; hash: string | null };

/** Where verification starts after retention: the last deleted row and its hash. */
export interface AuditAnchor {
  lastId: number;
  hash: string;
}

/** The append-only audit log. */
export interface AuditRepository {
  /**
   * Returns the new event's id. With `link`, DuplicateError when another row already follows
   * `link.prevHash` (a concurrent writer won: read the tail again).
   */
  append(e: NewAuditEvent, link?: ChainLink): Promise<number>;
  /** The hash of the newest chained row, or null. */
  chainTail(): Promise<string | null>;
  /** Rows with id > afterId, oldest first. */
  chainPage(afterId: number, limit: number): Promise<ChainedAuditEvent[]>;
  anchor(): Promise<AuditAnchor | null>;
  /** The newest row written before `at` (retention's last row to delete), or null. */
  lastBefore(at: number): Promise<{ id: number; hash: string | null } | null>;
  /** Moves the anchor to `anchor`, then deletes every row up to its id. */
  deleteThrough(anchor: AuditAnchor): Promise<number>;
  /** Newest first. */
  query(q: AuditQuery): Promise<AuditEvent[]>;
}

const eventColumns = {
  id: column('id', int),
  at: column('at', int),
  actorType: column('actor_type', literal<ActorType>()),
  actorId: column('actor_id', nullable(text)),
  action: column('action', text),
  resource: column('resource', nullable(text)),
  outcome: column('outcome', literal<AuditEvent['outcome']>()),
  ip: column('ip', nullable(text)),
  detail: column('detail', json<Record<string, unknown>>()),
} as const;
const events = new Table<AuditEvent>('audit_events', eventColumns);

const chained = new Table<ChainedAuditEvent>('audit_events', {
  ...eventColumns,
  prevHash: column('prev_hash', nullable(text)),
  hash: column('hash', nullable(text)),
});

export class SqlAuditRepository implements AuditRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async append(e: NewAuditEvent, link?: ChainLink): Promise<number> {
    const { rows } = link
      ? await chained.insert(this.#db, { ...e, ...link }, ['id'], 'id')
      : await events.insert(this.#db, e, ['id'], 'id');
    return Number(rows[0]?.id);
  }

  async chainTail(): Promise<string | null> {
    const { rows } = await this.#db.query(
      'SELECT hash FROM audit_events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1',
    );
    return (rows[0]?.['hash'] as string | undefined) ?? null;
  }

  chainPage(afterId: number, limit: number): Promise<ChainedAuditEvent[]> {
    return chained.many(
      this.#db,
      `SELECT ${chained.columnList} FROM audit_events WHERE id > ? ORDER BY id ASC LIMIT ?`,
      [afterId, limit],
    );
  }

  async anchor(): Promise<AuditAnchor | null> {
    const { rows } = await this.#db.query('SELECT last_id, hash FROM audit_anchor WHERE id = 1');
    const r = rows[0];
    return r ? { lastId: Number(r['last_id']), hash: r['hash'] as string } : null;
  }

  async lastBefore(at: number): Promise<{ id: number; hash: string | null } | null> {
    const { rows } = await this.#db.query(
      'SELECT id, hash FROM audit_events WHERE at < ? ORDER BY id DESC LIMIT 1',
      [at],
    );
    const r = rows[0];
    return r ? { id: Number(r['id']), hash: (r['hash'] as string | null) ?? null } : null;
  }

  async deleteThrough(anchor: AuditAnchor): Promise<number> {
    // Anchor first: a crash in between leaves rows verification skips, never a gap it reports.
    await this.#db.query(
      'INSERT INTO audit_anchor (id, last_id, hash) VALUES (1, ?, ?) ' +
        'ON CONFLICT (id) DO UPDATE SET last_id = excluded.last_id, hash = excluded.hash',
      [anchor.lastId, anchor.hash],
    );
    const { rowCount } = await this.#db.query('DELETE FROM audit_events WHERE id <= ?', [
      anchor.lastId,
    ]);
    return rowCount;
  }

  /**
   * `since` and `until` are both inclusive; an action ending in '.' matches every action under
   * that prefix. The site filter matches `site/<id>` and everything
   * under `site/<id>/` by a byte-wise range ('/' + 1 = '0') rather than LIKE, so ids containing
   * % or _ cannot widen the match and the resource index serves it in both engines.
   */
  query(q: AuditQuery): Promise<AuditEvent[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (q.siteId !== undefined) {
      const site = `site/${q.siteId}`;
      where.push('(resource = ? OR (resource >= ? AND resource < ?))');
      params.push(site, `${site}/`, `${site}0`);
    }
    if (q.action?.endsWith('.')) {
      // A prefix, as a byte-wise range like the site filter ('.' + 1 = '/').
      where.push('(action >= ? AND action < ?)');
      params.push(q.action, `${q.action.slice(0, -1)}/`);
    }
    const equal: [string, string | undefined][] = [
      ['actor_id', q.actorId],
      ['action', q.action?.endsWith('.') ? undefined : q.action],
      ['outcome', q.outcome],
    ];
    for (const [col, value] of equal) {
      if (value === undefined) continue;
      where.push(`${col} = ?`);
      params.push(value);
    }
    const bounds: [string, number | undefined][] = [
      ['at >= ?', q.since],
      ['at <= ?', q.until],
      ['id < ?', q.before],
    ];
    for (const [condition, value] of bounds) {
      if (value === undefined) continue;
      where.push(condition);
      params.push(value);
    }
    params.push(clampLimit(q.limit));
    return events.many(
      this.#db,
      `SELECT ${events.columnList} FROM audit_events` +
        (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
        ' ORDER BY id DESC LIMIT ?',
      params,
    );
  }
}
