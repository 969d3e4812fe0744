import type { RecordingIndex } from '../recording/index/RecordingIndex.ts';
import { SqlRecordingIndex } from './SqlRecordingIndex.ts';
import {
  ACCOUNT_COLUMNS,
  API_KEY_COLUMNS,
  AUDIT_COLUMNS,
  DEVICE_COLUMNS,
  GRANT_COLUMNS,
  PROVISIONING_CODE_COLUMNS,
  REFRESH_TOKEN_COLUMNS,
  SITE_COLUMNS,
  toAccount,
  toApiKey,
  toAuditEvent,
  toDevice,
  toGrant,
  toProvisioningCode,
  toRefreshToken,
  toSite,
  toTurnUsage,
  type Row,
} from './rows.ts';
import type {
  Account,
  ApiKey,
  AuditEvent,
  AuditQuery,
  Device,
  DeviceStatusPatch,
  Grant,
  NewAuditEvent,
  ProvisioningCode,
  RefreshToken,
  NewTurnUsage,
  Site,
  Store,
  TurnUsage,
  TurnUsageQuery,
} from './types.ts';

/** What a driver binds. Booleans are the driver's to encode (SQLite has no boolean type). */
export type SqlValue = string | number | boolean | null;

export interface QueryResult {
  rows: Row[];
  /** Rows changed (or returned, for statements with RETURNING). */
  rowCount: number;
}

type AccountPatch = Parameters<Store['updateAccount']>[1];
type SitePatch = Parameters<Store['updateSite']>[1];
type DevicePatch = Parameters<Store['updateDevice']>[1];

/** Patch key -> column. Only these keys ever reach SQL text; values are always bound. */
const ACCOUNT_PATCH = {
  displayName: 'display_name',
  passwordHash: 'password_hash',
  isAdmin: 'is_admin',
  disabledAt: 'disabled_at',
} as const satisfies Record<keyof AccountPatch, string>;
const SITE_PATCH = { name: 'name' } as const satisfies Record<keyof SitePatch, string>;
const DEVICE_PATCH = {
  name: 'name',
  credentialHash: 'credential_hash',
  credentialGeneration: 'credential_generation',
  revokedAt: 'revoked_at',
} as const satisfies Record<keyof DevicePatch, string>;
const DEVICE_STATUS_PATCH = {
  online: 'online',
  lastSeenAt: 'last_seen_at',
  lastAddress: 'last_address',
  userAgent: 'user_agent',
  firmware: 'firmware',
  bitrate: 'bitrate',
} as const satisfies Record<keyof DeviceStatusPatch, string>;

const DEFAULT_AUDIT_LIMIT = 100;
const MAX_AUDIT_LIMIT = 1000;

/**
 * The repository, written once for both dialects: every statement here is portable SQL with `?`
 * placeholders, so SQLite and PostgreSQL cannot drift apart in semantics. Subclasses supply the
 * connection (`query`), error mapping, migrations and lifecycle.
 *
 * Single-use operations are one statement each (DELETE ... RETURNING, UPDATE ... WHERE used_at IS
 * NULL), which both engines execute atomically: SQLite because one connection runs one statement
 * at a time, PostgreSQL because a concurrent writer re-checks the WHERE after the row lock.
 */
export abstract class SqlStore implements Store {
  abstract readonly kind: 'sqlite' | 'postgres';
  /** The recording index shares the connection (and the migrations) of the identity store. */
  readonly recordings: RecordingIndex = new SqlRecordingIndex((sql, params) =>
    this.query(sql, params),
  );

  /**
   * Runs one statement. `sql` uses `?` placeholders and contains no other `?`. Throws
   * DuplicateError / MissingReferenceError for unique / foreign-key violations.
   */
  protected abstract query(sql: string, params?: readonly SqlValue[]): Promise<QueryResult>;
  abstract migrate(): Promise<void>;
  abstract close(): Promise<void>;

  // Accounts

  async createAccount(a: Account): Promise<void> {
    await this.query(`INSERT INTO accounts (${ACCOUNT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
      a.id,
      a.email,
      a.displayName,
      a.passwordHash,
      a.isAdmin,
      a.createdAt,
      a.disabledAt,
    ]);
  }

  async getAccount(id: string): Promise<Account | null> {
    return this.#one(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = ?`, [id], toAccount);
  }

  async getAccountByEmail(email: string): Promise<Account | null> {
    return this.#one(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE email = ?`, [email], toAccount);
  }

  async listAccounts(): Promise<Account[]> {
    return this.#many(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts ORDER BY created_at, id`,
      [],
      toAccount,
    );
  }

  async updateAccount(id: string, patch: AccountPatch): Promise<boolean> {
    return this.#update('accounts', ACCOUNT_PATCH, id, patch);
  }

  async countAccounts(): Promise<number> {
    const { rows } = await this.query('SELECT COUNT(*) AS n FROM accounts');
    return Number(rows[0]?.n ?? 0);
  }

  // Sites

  async createSite(s: Site): Promise<void> {
    await this.query(`INSERT INTO sites (${SITE_COLUMNS}) VALUES (?, ?, ?)`, [
      s.id,
      s.name,
      s.createdAt,
    ]);
  }

  async getSite(id: string): Promise<Site | null> {
    return this.#one(`SELECT ${SITE_COLUMNS} FROM sites WHERE id = ?`, [id], toSite);
  }

  async listSites(): Promise<Site[]> {
    return this.#many(`SELECT ${SITE_COLUMNS} FROM sites ORDER BY created_at, id`, [], toSite);
  }

  async updateSite(id: string, patch: SitePatch): Promise<boolean> {
    return this.#update('sites', SITE_PATCH, id, patch);
  }

  /** Grants, devices, provisioning codes and site-scoped API keys go with it (ON DELETE CASCADE). */
  async deleteSite(id: string): Promise<boolean> {
    const { rowCount } = await this.query('DELETE FROM sites WHERE id = ?', [id]);
    return rowCount === 1;
  }

  // Grants

  async createGrant(g: Grant): Promise<void> {
    await this.query(
      `INSERT INTO grants (${GRANT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        g.id,
        g.accountId,
        g.siteId,
        g.role,
        g.deviceIds === null ? null : JSON.stringify(g.deviceIds),
        g.validFrom,
        g.validUntil,
        g.createdBy,
        g.createdAt,
        g.revokedAt,
      ],
    );
  }

  async getGrant(id: string): Promise<Grant | null> {
    return this.#one(`SELECT ${GRANT_COLUMNS} FROM grants WHERE id = ?`, [id], toGrant);
  }

  async listGrantsForAccount(accountId: string, includeRevoked = false): Promise<Grant[]> {
    return this.#many(
      `SELECT ${GRANT_COLUMNS} FROM grants WHERE account_id = ?` +
        (includeRevoked ? '' : ' AND revoked_at IS NULL') +
        ' ORDER BY created_at, id',
      [accountId],
      toGrant,
    );
  }

  async listGrantsForSite(siteId: string, includeRevoked = false): Promise<Grant[]> {
    return this.#many(
      `SELECT ${GRANT_COLUMNS} FROM grants WHERE site_id = ?` +
        (includeRevoked ? '' : ' AND revoked_at IS NULL') +
        ' ORDER BY created_at, id',
      [siteId],
      toGrant,
    );
  }

  /** Revoking twice keeps the first time: the audit trail says when access actually ended. */
  async revokeGrant(id: string, at: number): Promise<boolean> {
    const { rowCount } = await this.query(
      'UPDATE grants SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?',
      [at, id],
    );
    return rowCount === 1;
  }

  // Devices

  async createDevice(d: Device): Promise<void> {
    await this.query(
      `INSERT INTO devices (${DEVICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        d.id,
        d.siteId,
        d.kind,
        d.name,
        d.credentialHash,
        d.credentialGeneration,
        d.createdAt,
        d.revokedAt,
        d.online,
        d.lastSeenAt,
        d.lastAddress,
        d.userAgent,
        d.firmware,
        d.bitrate,
      ],
    );
  }

  async getDevice(id: string): Promise<Device | null> {
    return this.#one(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = ?`, [id], toDevice);
  }

  async listDevices(siteId: string): Promise<Device[]> {
    return this.#many(
      `SELECT ${DEVICE_COLUMNS} FROM devices WHERE site_id = ? ORDER BY created_at, id`,
      [siteId],
      toDevice,
    );
  }

  async updateDevice(id: string, patch: DevicePatch): Promise<boolean> {
    return this.#update('devices', DEVICE_PATCH, id, patch);
  }

  async updateDeviceStatus(id: string, patch: DeviceStatusPatch): Promise<boolean> {
    return this.#update('devices', DEVICE_STATUS_PATCH, id, patch);
  }

  /** Its provisioning codes go with it (ON DELETE CASCADE). */
  async deleteDevice(id: string): Promise<boolean> {
    const { rowCount } = await this.query('DELETE FROM devices WHERE id = ?', [id]);
    return rowCount === 1;
  }

  // Provisioning codes

  async createProvisioningCode(c: ProvisioningCode): Promise<void> {
    await this.query(
      `INSERT INTO provisioning_codes (${PROVISIONING_CODE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`,
      [c.codeHash, c.siteId, c.deviceId, c.expiresAt, c.createdBy, c.createdAt],
    );
  }

  /** One statement: of two concurrent redeemers only one gets the deleted row back. */
  async redeemProvisioningCode(codeHash: string, now: number): Promise<ProvisioningCode | null> {
    return this.#one(
      'DELETE FROM provisioning_codes WHERE code_hash = ? AND expires_at > ? ' +
        `RETURNING ${PROVISIONING_CODE_COLUMNS}`,
      [codeHash, now],
      toProvisioningCode,
    );
  }

  async listProvisioningCodes(siteId: string): Promise<ProvisioningCode[]> {
    return this.#many(
      `SELECT ${PROVISIONING_CODE_COLUMNS} FROM provisioning_codes WHERE site_id = ? ` +
        'ORDER BY created_at, code_hash',
      [siteId],
      toProvisioningCode,
    );
  }

  /** Expired means `expires_at <= now`, the complement of what redeem accepts. */
  async deleteExpiredProvisioningCodes(now: number): Promise<number> {
    const { rowCount } = await this.query('DELETE FROM provisioning_codes WHERE expires_at <= ?', [
      now,
    ]);
    return rowCount;
  }

  // Refresh tokens

  async createRefreshToken(t: RefreshToken): Promise<void> {
    await this.query(
      `INSERT INTO refresh_tokens (${REFRESH_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [t.id, t.accountId, t.familyId, t.tokenHash, t.expiresAt, t.createdAt, t.usedAt, t.revokedAt],
    );
  }

  async getRefreshTokenByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.#one(
      `SELECT ${REFRESH_TOKEN_COLUMNS} FROM refresh_tokens WHERE token_hash = ?`,
      [tokenHash],
      toRefreshToken,
    );
  }

  /** One conditional UPDATE: of two concurrent rotations exactly one changes the row. */
  async markRefreshTokenUsed(id: string, at: number): Promise<boolean> {
    const { rowCount } = await this.query(
      'UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL',
      [at, id],
    );
    return rowCount === 1;
  }

  /** Returns how many tokens this call revoked (already revoked ones keep their time). */
  async revokeRefreshFamily(familyId: string, at: number): Promise<number> {
    const { rowCount } = await this.query(
      'UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL',
      [at, familyId],
    );
    return rowCount;
  }

  async revokeRefreshTokensForAccount(accountId: string, at: number): Promise<number> {
    const { rowCount } = await this.query(
      'UPDATE refresh_tokens SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL',
      [at, accountId],
    );
    return rowCount;
  }

  async deleteExpiredRefreshTokens(now: number): Promise<number> {
    const { rowCount } = await this.query('DELETE FROM refresh_tokens WHERE expires_at <= ?', [
      now,
    ]);
    return rowCount;
  }

  // API keys

  async createApiKey(k: ApiKey): Promise<void> {
    await this.query(
      `INSERT INTO api_keys (${API_KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        k.id,
        k.accountId,
        k.name,
        JSON.stringify(k.scopes),
        k.siteId,
        k.keyHash,
        k.createdAt,
        k.lastUsedAt,
        k.revokedAt,
      ],
    );
  }

  async getApiKey(id: string): Promise<ApiKey | null> {
    return this.#one(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = ?`, [id], toApiKey);
  }

  async getApiKeyByHash(keyHash: string): Promise<ApiKey | null> {
    return this.#one(
      `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_hash = ?`,
      [keyHash],
      toApiKey,
    );
  }

  async listApiKeys(accountId: string): Promise<ApiKey[]> {
    return this.#many(
      `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE account_id = ? ORDER BY created_at, id`,
      [accountId],
      toApiKey,
    );
  }

  /** Revoking twice keeps the first time, as for grants. */
  async revokeApiKey(id: string, at: number): Promise<boolean> {
    const { rowCount } = await this.query(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?',
      [at, id],
    );
    return rowCount === 1;
  }

  /** Concurrent requests finish out of order: never move last_used_at backwards. */
  async touchApiKey(id: string, at: number): Promise<void> {
    await this.query(
      'UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
      [at, id, at],
    );
  }

  // Audit

  async appendAudit(e: NewAuditEvent): Promise<number> {
    const { rows } = await this.query(
      'INSERT INTO audit_events (at, actor_type, actor_id, action, resource, outcome, ip, detail) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
      [
        e.at,
        e.actorType,
        e.actorId,
        e.action,
        e.resource,
        e.outcome,
        e.ip,
        JSON.stringify(e.detail),
      ],
    );
    return Number(rows[0]?.id);
  }

  /**
   * Newest first. `since` and `until` are both inclusive. The site filter matches `site/<id>` and
   * everything under `site/<id>/` by a byte-wise range ('/' + 1 = '0') rather than LIKE, so ids
   * containing % or _ cannot widen the match and the resource index serves it in both engines.
   */
  async queryAudit(q: AuditQuery): Promise<AuditEvent[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (q.siteId !== undefined) {
      const site = `site/${q.siteId}`;
      where.push('(resource = ? OR (resource >= ? AND resource < ?))');
      params.push(site, `${site}/`, `${site}0`);
    }
    if (q.actorId !== undefined) {
      where.push('actor_id = ?');
      params.push(q.actorId);
    }
    if (q.action !== undefined) {
      where.push('action = ?');
      params.push(q.action);
    }
    if (q.since !== undefined) {
      where.push('at >= ?');
      params.push(q.since);
    }
    if (q.until !== undefined) {
      where.push('at <= ?');
      params.push(q.until);
    }
    if (q.before !== undefined) {
      where.push('id < ?');
      params.push(q.before);
    }
    params.push(auditLimit(q.limit));
    return this.#many(
      `SELECT ${AUDIT_COLUMNS} FROM audit_events` +
        (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
        ' ORDER BY id DESC LIMIT ?',
      params,
      toAuditEvent,
    );
  }

  // TURN usage

  async appendTurnUsage(u: NewTurnUsage): Promise<number> {
    const { rows } = await this.query(
      'INSERT INTO turn_usage (at, principal_kind, principal_id, site_id, duration_seconds, bytes_received, bytes_sent) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
      [
        u.at,
        u.principalKind,
        u.principalId,
        u.siteId,
        u.durationSeconds,
        u.bytesReceived,
        u.bytesSent,
      ],
    );
    return Number(rows[0]?.id);
  }

  /** Newest first; `since`/`until` inclusive. */
  async queryTurnUsage(q: TurnUsageQuery): Promise<TurnUsage[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (q.siteId !== undefined) {
      where.push('site_id = ?');
      params.push(q.siteId);
    }
    if (q.principalId !== undefined) {
      where.push('principal_id = ?');
      params.push(q.principalId);
    }
    if (q.since !== undefined) {
      where.push('at >= ?');
      params.push(q.since);
    }
    if (q.until !== undefined) {
      where.push('at <= ?');
      params.push(q.until);
    }
    params.push(auditLimit(q.limit));
    return this.#many(
      'SELECT id, at, principal_kind, principal_id, site_id, duration_seconds, bytes_received, bytes_sent FROM turn_usage' +
        (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
        ' ORDER BY id DESC LIMIT ?',
      params,
      toTurnUsage,
    );
  }

  // Helpers

  async #one<T>(sql: string, params: readonly SqlValue[], map: (r: Row) => T): Promise<T | null> {
    const { rows } = await this.query(sql, params);
    const row = rows[0];
    return row === undefined ? null : map(row);
  }

  async #many<T>(sql: string, params: readonly SqlValue[], map: (r: Row) => T): Promise<T[]> {
    const { rows } = await this.query(sql, params);
    return rows.map(map);
  }

  /**
   * UPDATE of the patch's present keys. Keys are walked in the column map's order so the SQL text
   * (and so the prepared-statement cache entry) is the same for the same set of keys. An empty
   * patch changes nothing but still reports whether the row exists.
   */
  async #update<P extends object>(
    table: string,
    columns: Record<keyof P & string, string>,
    id: string,
    patch: P,
  ): Promise<boolean> {
    const sets: string[] = [];
    const params: SqlValue[] = [];
    for (const [key, column] of Object.entries(columns) as [keyof P & string, string][]) {
      const value = patch[key];
      if (value === undefined) continue;
      sets.push(`${column} = ?`);
      params.push(value as SqlValue);
    }
    if (sets.length === 0) {
      const { rows } = await this.query(`SELECT 1 AS found FROM ${table} WHERE id = ?`, [id]);
      return rows.length > 0;
    }
    params.push(id);
    const { rowCount } = await this.query(
      `UPDATE ${table} SET ${sets.join(', ')} WHERE id = ?`,
      params,
    );
    return rowCount === 1;
  }
}

/** Default 100; clamped to 1..1000 so one query can never read the whole log. */
function auditLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_AUDIT_LIMIT;
  return Math.min(MAX_AUDIT_LIMIT, Math.max(1, Math.floor(limit)));
}
