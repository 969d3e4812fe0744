import type { SqlExecutor } from '../executor/SqlExecutor.ts';
import { column, int, json, literal, nullable, Table, text } from '../executor/table.ts';

import type { SiteRole } from '@porchlight/protocol';

/** Roles a person can hold on a site: defined by the wire contract. */
export { SITE_ROLES, type SiteRole } from '@porchlight/protocol';

/**
 * A role on a site given to an account, optionally narrowed to some devices and a time window
 * (a guest who may see only the front door, only between two dates).
 */
export interface Grant {
  id: string;
  accountId: string;
  siteId: string;
  role: SiteRole;
  /** null = every device of the site. */
  deviceIds: string[] | null;
  /** Unix ms; null = unbounded. */
  validFrom: number | null;
  validUntil: number | null;
  createdBy: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface GrantRepository {
  create(g: Grant): Promise<void>;
  get(id: string): Promise<Grant | null>;
  /** Grants of an account, oldest first, revoked ones included only when asked. */
  listForAccount(accountId: string, includeRevoked?: boolean): Promise<Grant[]>;
  listForSite(siteId: string, includeRevoked?: boolean): Promise<Grant[]>;
  /** Revoking twice keeps the first time: the audit trail says when access actually ended. */
  revoke(id: string, at: number): Promise<boolean>;
}

const grants = new Table<Grant>('grants', {
  id: column('id', text),
  accountId: column('account_id', text),
  siteId: column('site_id', text),
  role: column('role', literal<SiteRole>()),
  deviceIds: column('device_ids', nullable(json<string[]>())),
  validFrom: column('valid_from', nullable(int)),
  validUntil: column('valid_until', nullable(int)),
  createdBy: column('created_by', nullable(text)),
  createdAt: column('created_at', int),
  revokedAt: column('revoked_at', nullable(int)),
});

const ACTIVE = 'revoked_at IS NULL';

export class SqlGrantRepository implements GrantRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async create(g: Grant): Promise<void> {
    await grants.insert(this.#db, g);
  }

  get(id: string): Promise<Grant | null> {
    return grants.getBy(this.#db, { id });
  }

  listForAccount(accountId: string, includeRevoked = false): Promise<Grant[]> {
    return grants.listBy(
      this.#db,
      { accountId },
      ['createdAt', 'id'],
      includeRevoked ? undefined : ACTIVE,
    );
  }

  listForSite(siteId: string, includeRevoked = false): Promise<Grant[]> {
    return grants.listBy(
      this.#db,
      { siteId },
      ['createdAt', 'id'],
      includeRevoked ? undefined : ACTIVE,
    );
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      'UPDATE grants SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?',
      [at, id],
    );
    return rowCount === 1;
  }
}
