import type { WebhookDeliveryStatus, WebhookEventType } from '@porchlight/protocol';
import type { SqlExecutor } from '../store/executor/SqlExecutor.ts';
import {
  bool,
  column,
  int,
  json,
  literal,
  nullable,
  Table,
  text,
} from '../store/executor/table.ts';

/** One registered endpoint; secrets are SecretBox-sealed (context: the endpoint id). */
export interface EndpointRow {
  id: string;
  siteId: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousExpiresAt: number | null;
  rotatedAt: number | null;
  consecutiveDead: number;
  createdAt: number;
  updatedAt: number;
}

/** One event for one endpoint: the outbox row, with the exact body that is signed and sent. */
export interface DeliveryRow {
  id: string;
  endpointId: string;
  siteId: string;
  eventId: string;
  eventType: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface AttemptRow {
  id: number;
  deliveryId: string;
  attempt: number;
  at: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

const endpoints = new Table<EndpointRow>('webhook_endpoints', {
  id: column('id', text),
  siteId: column('site_id', text),
  url: column('url', text),
  events: column('events', json<WebhookEventType[]>()),
  description: column('description', nullable(text)),
  enabled: column('enabled', bool),
  disabledReason: column('disabled_reason', nullable(text)),
  secretSealed: column('secret_sealed', text),
  previousSecretSealed: column('previous_secret_sealed', nullable(text)),
  previousExpiresAt: column('previous_expires_at', nullable(int)),
  rotatedAt: column('rotated_at', nullable(int)),
  consecutiveDead: column('consecutive_dead', int),
  createdAt: column('created_at', int),
  updatedAt: column('updated_at', int),
});

const deliveries = new Table<DeliveryRow>('webhook_deliveries', {
  id: column('id', text),
  endpointId: column('endpoint_id', text),
  siteId: column('site_id', text),
  eventId: column('event_id', text),
  eventType: column('event_type', text),
  body: column('body', text),
  status: column('status', literal<WebhookDeliveryStatus>()),
  attempts: column('attempts', int),
  nextAttemptAt: column('next_attempt_at', nullable(int)),
  lastStatusCode: column('last_status_code', nullable(int)),
  lastError: column('last_error', nullable(text)),
  createdAt: column('created_at', int),
  updatedAt: column('updated_at', int),
});

const attempts = new Table<AttemptRow>('webhook_attempts', {
  id: column('id', int),
  deliveryId: column('delivery_id', text),
  attempt: column('attempt', int),
  at: column('at', int),
  statusCode: column('status_code', nullable(int)),
  latencyMs: column('latency_ms', int),
  error: column('error', nullable(text)),
  responseExcerpt: column('response_excerpt', nullable(text)),
});

export type EndpointPatch = Partial<
  Pick<
    EndpointRow,
    | 'events'
    | 'description'
    | 'enabled'
    | 'disabledReason'
    | 'secretSealed'
    | 'previousSecretSealed'
    | 'previousExpiresAt'
    | 'rotatedAt'
    | 'consecutiveDead'
    | 'updatedAt'
  >
>;

export type DeliveryPatch = Partial<
  Pick<
    DeliveryRow,
    'status' | 'attempts' | 'nextAttemptAt' | 'lastStatusCode' | 'lastError' | 'updatedAt'
  >
>;

/** Endpoints, the delivery outbox and the attempt log, on the store's table layer. */
export class WebhookRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async createEndpoint(row: EndpointRow): Promise<void> {
    await endpoints.insert(this.#db, row);
  }

  getEndpoint(id: string): Promise<EndpointRow | null> {
    return endpoints.getBy(this.#db, { id });
  }

  listEndpoints(siteId: string): Promise<EndpointRow[]> {
    return endpoints.listBy(this.#db, { siteId }, ['createdAt', 'id']);
  }

  updateEndpoint(id: string, patch: EndpointPatch): Promise<boolean> {
    return endpoints.patch(
      this.#db,
      'id',
      id,
      [
        'events',
        'description',
        'enabled',
        'disabledReason',
        'secretSealed',
        'previousSecretSealed',
        'previousExpiresAt',
        'rotatedAt',
        'consecutiveDead',
        'updatedAt',
      ],
      patch,
    );
  }

  /** One more dead letter in a row, counted in the database (attempts run concurrently). */
  async countDeadLetter(id: string): Promise<number> {
    const { rows } = await this.#db.query(
      'UPDATE webhook_endpoints SET consecutive_dead = consecutive_dead + 1 WHERE id = ? ' +
        'RETURNING consecutive_dead',
      [id],
    );
    return Number(rows[0]?.['consecutive_dead'] ?? 0);
  }

  /** Deletes finished deliveries (delivered, dead) last changed before `before`, with their log. */
  async pruneFinished(before: number): Promise<number> {
    const { rowCount } = await this.#db.query(
      `DELETE FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < ?`,
      [before],
    );
    return rowCount;
  }

  /** Deletes the endpoint; its deliveries and their attempts cascade. */
  async deleteEndpoint(id: string): Promise<boolean> {
    return (await endpoints.deleteBy(this.#db, 'id', id)) === 1;
  }

  async createDelivery(row: DeliveryRow): Promise<void> {
    await deliveries.insert(this.#db, row);
  }

  getDelivery(id: string): Promise<DeliveryRow | null> {
    return deliveries.getBy(this.#db, { id });
  }

  updateDelivery(id: string, patch: DeliveryPatch): Promise<boolean> {
    return deliveries.patch(
      this.#db,
      'id',
      id,
      ['status', 'attempts', 'nextAttemptAt', 'lastStatusCode', 'lastError', 'updatedAt'],
      patch,
    );
  }

  /** Pending deliveries whose next attempt is due, oldest first. */
  due(now: number, limit: number): Promise<DeliveryRow[]> {
    return deliveries.many(
      this.#db,
      `SELECT ${deliveries.columnList} FROM webhook_deliveries ` +
        `WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
      [now, limit],
    );
  }

  /**
   * Claims a due delivery for one attempt by moving its next attempt to `until`, only if nobody
   * has changed it since it was read (compare-and-set on next_attempt_at and attempts). Exactly
   * one node's claim succeeds; the row is due again at `until` if the claimer dies mid-attempt.
   */
  async claim(d: Pick<DeliveryRow, 'id' | 'attempts' | 'nextAttemptAt'>, until: number) {
    if (d.nextAttemptAt === null) return false;
    const { rowCount } = await this.#db.query(
      `UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ? AND status = 'pending' ` +
        `AND attempts = ? AND next_attempt_at = ?`,
      [until, d.id, d.attempts, d.nextAttemptAt],
    );
    return rowCount === 1;
  }

  /** The earliest next attempt of any pending delivery (null: none pending). */
  async nextDue(): Promise<number | null> {
    const { rows } = await this.#db.query(
      `SELECT MIN(next_attempt_at) AS next FROM webhook_deliveries WHERE status = 'pending'`,
    );
    const next = rows[0]?.['next'];
    return next === null || next === undefined ? null : Number(next);
  }

  /** An endpoint's deliveries, newest first. */
  listDeliveries(
    endpointId: string,
    status: WebhookDeliveryStatus | undefined,
    limit: number,
  ): Promise<DeliveryRow[]> {
    return deliveries.many(
      this.#db,
      `SELECT ${deliveries.columnList} FROM webhook_deliveries WHERE endpoint_id = ?` +
        (status ? ' AND status = ?' : '') +
        ' ORDER BY created_at DESC, id DESC LIMIT ?',
      status ? [endpointId, status, limit] : [endpointId, limit],
    );
  }

  async addAttempt(row: Omit<AttemptRow, 'id'>): Promise<void> {
    await attempts.insert(this.#db, row, ['id']);
  }

  /** A delivery's attempts, newest first. */
  listAttempts(deliveryId: string): Promise<AttemptRow[]> {
    return attempts.many(
      this.#db,
      `SELECT ${attempts.columnList} FROM webhook_attempts WHERE delivery_id = ? ORDER BY id DESC`,
      [deliveryId],
    );
  }
}
