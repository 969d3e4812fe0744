import type { SqlExecutor } from '../executor/SqlExecutor.ts';
import { column, int, Table, text } from '../executor/table.ts';

/** A one-time code a device redeems for its credential. Deleted when redeemed or expired. */
export interface ProvisioningCode {
  /** SHA-256 of the code. */
  codeHash: string;
  siteId: string;
  deviceId: string;
  expiresAt: number;
  createdBy: string;
  createdAt: number;
}

export interface ProvisioningCodeRepository {
  create(c: ProvisioningCode): Promise<void>;
  /** Atomically deletes and returns the code if it exists and has not expired at `now`. */
  redeem(codeHash: string, now: number): Promise<ProvisioningCode | null>;
  /** Codes of a site, oldest first. */
  list(siteId: string): Promise<ProvisioningCode[]>;
  /** Deletes expired codes; returns how many. */
  deleteExpired(now: number): Promise<number>;
}

const codes = new Table<ProvisioningCode>('provisioning_codes', {
  codeHash: column('code_hash', text),
  siteId: column('site_id', text),
  deviceId: column('device_id', text),
  expiresAt: column('expires_at', int),
  createdBy: column('created_by', text),
  createdAt: column('created_at', int),
});

export class SqlProvisioningCodeRepository implements ProvisioningCodeRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async create(c: ProvisioningCode): Promise<void> {
    await codes.insert(this.#db, c);
  }

  /** One statement: of two concurrent redeemers only one gets the deleted row back. */
  redeem(codeHash: string, now: number): Promise<ProvisioningCode | null> {
    return codes.one(
      this.#db,
      `DELETE FROM provisioning_codes WHERE code_hash = ? AND expires_at > ? RETURNING ${codes.columnList}`,
      [codeHash, now],
    );
  }

  list(siteId: string): Promise<ProvisioningCode[]> {
    return codes.listBy(this.#db, { siteId }, ['createdAt', 'codeHash']);
  }

  /** Expired means `expires_at <= now`, the complement of what redeem accepts. */
  async deleteExpired(now: number): Promise<number> {
    const { rowCount } = await this.#db.query(
      'DELETE FROM provisioning_codes WHERE expires_at <= ?',
      [now],
    );
    return rowCount;
  }
}
