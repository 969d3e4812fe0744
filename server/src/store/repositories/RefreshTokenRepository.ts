import type { SqlExecutor } from '../executor/SqlExecutor.ts';
import { column, int, nullable, Table, text, type Codec } from '../executor/table.ts';

/** One refresh token of a login session. */
export interface RefreshToken {
  id: string;
  accountId: string;
  /** Rotation family: reuse of a rotated token revokes the whole family. */
  familyId: string;
  tokenHash: string;
  expiresAt: number;
  createdAt: number;
  /** Set when rotated (replaced) or revoked. */
  usedAt: number | null;
  revokedAt: number | null;
  /** When the session (the family's first token) started; null on rows from before v14. */
  sessionCreatedAt?: number | null;
  /** The client that logged in or last refreshed (user agent capped, address). */
  userAgent?: string | null;
  ip?: string | null;
}

/** Login sessions, as their refresh tokens. */
export interface RefreshTokenRepository {
  create(t: RefreshToken): Promise<void>;
  getByHash(tokenHash: string): Promise<RefreshToken | null>;
  /** Atomically marks `id` used if it is unused and unrevoked; false when it already was (reuse). */
  markUsed(id: string, at: number): Promise<boolean>;
  /** Returns how many tokens this call revoked (already revoked ones keep their time). */
  revokeFamily(familyId: string, at: number): Promise<number>;
  revokeForAccount(accountId: string, at: number): Promise<number>;
  deleteExpired(now: number): Promise<number>;
  /** The current token of each live session of the account (unused, unrevoked, unexpired). */
  listLive(accountId: string, now: number): Promise<RefreshToken[]>;
}

const tokens = new Table<RefreshToken>('refresh_tokens', {
  id: column('id', text),
  accountId: column('account_id', text),
  familyId: column('family_id', text),
  tokenHash: column('token_hash', text),
  expiresAt: column('expires_at', int),
  createdAt: column('created_at', int),
  usedAt: column('used_at', nullable(int)),
  revokedAt: column('revoked_at', nullable(int)),
  sessionCreatedAt: column('session_created_at', optional(int)),
  userAgent: column('user_agent', optional(text)),
  ip: column('ip', optional(text)),
});

function optional<T>(codec: Codec<T>): Codec<T | null | undefined> {
  const n = nullable(codec);
  return { toSql: (v) => n.toSql(v ?? null), fromSql: (v) => n.fromSql(v) };
}

export class SqlRefreshTokenRepository implements RefreshTokenRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async create(t: RefreshToken): Promise<void> {
    await tokens.insert(this.#db, t);
  }

  getByHash(tokenHash: string): Promise<RefreshToken | null> {
    return tokens.getBy(this.#db, { tokenHash });
  }

  /** One conditional UPDATE: of two concurrent rotations exactly one changes the row. */
  async markUsed(id: string, at: number): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      'UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL',
      [at, id],
    );
    return rowCount === 1;
  }

  revokeFamily(familyId: string, at: number): Promise<number> {
    return this.#revokeWhere('family_id', familyId, at);
  }

  revokeForAccount(accountId: string, at: number): Promise<number> {
    return this.#revokeWhere('account_id', accountId, at);
  }

  async deleteExpired(now: number): Promise<number> {
    const { rowCount } = await this.#db.query('DELETE FROM refresh_tokens WHERE expires_at <= ?', [
      now,
    ]);
    return rowCount;
  }

  async listLive(accountId: string, now: number): Promise<RefreshToken[]> {
    const { rows } = await this.#db.query(
      `SELECT ${tokens.columnList} FROM refresh_tokens WHERE account_id = ? AND used_at IS NULL ` +
        'AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC, id',
      [accountId, now],
    );
    return rows.map((r) => tokens.fromRow(r));
  }

  async #revokeWhere(col: 'family_id' | 'account_id', value: string, at: number): Promise<number> {
    const { rowCount } = await this.#db.query(
      `UPDATE refresh_tokens SET revoked_at = ? WHERE ${col} = ? AND revoked_at IS NULL`,
      [at, value],
    );
    return rowCount;
  }
}
