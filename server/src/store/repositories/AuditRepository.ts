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

/** The append-only audit log. */
export interface AuditRepository {
  /** Returns the new event's id. */
  append(e: NewAuditEvent): Promise<number>;
  /** Newest first. */
  query(q: AuditQuery): Promise<AuditEvent[]>;
}

const events = new Table<AuditEvent>('audit_events', {
  id: column('id', int),
  at: column('at', int),
  actorType: column('actor_type', literal<ActorType>()),
  actorId: column('actor_id', nullable(text)),
  action: column('action', text),
  resource: column('resource', nullable(text)),
  outcome: column('outcome', literal<AuditEvent['outcome']>()),
  ip: column('ip', nullable(text)),
  detail: column('detail', json<Record<string, unknown>>()),
});

export class SqlAuditRepository implements AuditRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async append(e: NewAuditEvent): Promise<number> {
    const { rows } = await events.insert(this.#db, e, ['id'], 'id');
    return Number(rows[0]?.id);
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
