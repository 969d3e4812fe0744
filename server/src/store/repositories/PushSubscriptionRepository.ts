import type { SqlExecutor } from '../executor/SqlExecutor.ts';
import { column, int, json, nullable, Table, text } from '../executor/table.ts';

/** Which doors/cameras and when a subscribed browser is notified (see rest/notifications.ts). */
export interface PushSettingsRecord {
  /** null: every door and camera the account may see. */
  devices: { siteId: string; deviceId: string }[] | null;
  quietHours: { start: string; end: string; timeZone: string } | null;
}

/** One browser a person subscribed to Web Push. `p256dh`/`auth` are secrets: never logged. */
export interface PushSubscriptionRecord {
  id: string;
  accountId: string;
  /** The push service URL: a capability, logged by origin only. */
  endpoint: string;
  p256dh: string;
  auth: string;
  /** Chosen by the person; null: derived from `userAgent` when shown. */
  label: string | null;
  userAgent: string | null;
  settings: PushSettingsRecord;
  createdAt: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  /** Consecutive failed sends. */
  failures: number;
}

export interface PushSubscriptionRepository {
  get(id: string): Promise<PushSubscriptionRecord | null>;
  getByEndpoint(endpoint: string): Promise<PushSubscriptionRecord | null>;
  listForAccount(accountId: string): Promise<PushSubscriptionRecord[]>;
  /** Every subscription of these accounts (a ring's recipients). */
  listForAccounts(accountIds: readonly string[]): Promise<PushSubscriptionRecord[]>;
  create(s: PushSubscriptionRecord): Promise<void>;
  /** Fields a re-subscription or the person may change; false when the row is gone. */
  update(
    id: string,
    patch: Partial<
      Pick<PushSubscriptionRecord, 'p256dh' | 'auth' | 'label' | 'userAgent' | 'settings'>
    >,
  ): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  recordSuccess(id: string, at: number): Promise<void>;
  recordFailure(id: string, at: number): Promise<void>;
}

const subscriptions = new Table<PushSubscriptionRecord>('push_subscriptions', {
  id: column('id', text),
  accountId: column('account_id', text),
  endpoint: column('endpoint', text),
  p256dh: column('p256dh', text),
  auth: column('auth', text),
  label: column('label', nullable(text)),
  userAgent: column('user_agent', nullable(text)),
  settings: column('settings', json<PushSettingsRecord>()),
  createdAt: column('created_at', int),
  lastSuccessAt: column('last_success_at', nullable(int)),
  lastFailureAt: column('last_failure_at', nullable(int)),
  failures: column('failures', int),
});

export class SqlPushSubscriptionRepository implements PushSubscriptionRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  get(id: string): Promise<PushSubscriptionRecord | null> {
    return subscriptions.getBy(this.#db, { id });
  }

  getByEndpoint(endpoint: string): Promise<PushSubscriptionRecord | null> {
    return subscriptions.getBy(this.#db, { endpoint });
  }

  listForAccount(accountId: string): Promise<PushSubscriptionRecord[]> {
    return subscriptions.listBy(this.#db, { accountId }, ['createdAt', 'id']);
  }

  async listForAccounts(accountIds: readonly string[]): Promise<PushSubscriptionRecord[]> {
    if (accountIds.length === 0) return [];
    return subscriptions.many(
      this.#db,
      `SELECT ${subscriptions.columnList} FROM push_subscriptions WHERE account_id IN (${accountIds
        .map(() => '?')
        .join(', ')}) ORDER BY created_at, id`,
      accountIds,
    );
  }

  async create(s: PushSubscriptionRecord): Promise<void> {
    await subscriptions.insert(this.#db, s);
  }

  update(
    id: string,
    patch: Partial<
      Pick<PushSubscriptionRecord, 'p256dh' | 'auth' | 'label' | 'userAgent' | 'settings'>
    >,
  ): Promise<boolean> {
    return subscriptions.patch(
      this.#db,
      'id',
      id,
      ['p256dh', 'auth', 'label', 'userAgent', 'settings'],
      patch,
    );
  }

  async delete(id: string): Promise<boolean> {
    return (await subscriptions.deleteBy(this.#db, 'id', id)) > 0;
  }

  async recordSuccess(id: string, at: number): Promise<void> {
    await this.#db.query(
      'UPDATE push_subscriptions SET last_success_at = ?, failures = 0 WHERE id = ?',
      [at, id],
    );
  }

  async recordFailure(id: string, at: number): Promise<void> {
    await this.#db.query(
      'UPDATE push_subscriptions SET last_failure_at = ?, failures = failures + 1 WHERE id = ?',
      [at, id],
    );
  }
}
