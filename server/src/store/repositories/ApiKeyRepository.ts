import type { SqlExecutor } from '../executor/SqlExecutor.ts';
import { column, int, json, nullable, Table, text } from '../executor/table.ts';

export interface ApiKey {
  id: string;
  accountId: string;
  name: string;
  /** Actions this key may use (a subset of what its account may do), e.g. ["stream:view-live"]. */
  scopes: string[];
  /** null = every site the account can reach. */
  siteId: string | null;
  keyHash: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface ApiKeyRepository {
  create(k: ApiKey): Promise<void>;
  get(id: string): Promise<ApiKey | null>;
  getByHash(keyHash: string): Promise<ApiKey | null>;
  /** Keys of an account, oldest first. */
  list(accountId: string): Promise<ApiKey[]>;
  /** Revoking twice keeps the first time, as for grants. */
  revoke(id: string, at: number): Promise<boolean>;
  /** Records a use; never moves last_used_at backwards. */
  touch(id: string, at: number): Promise<void>;
}

const keys = new Table<ApiKey>('api_keys', {
  id: column('id', text),
  accountId: column('account_id', text),
  name: column('name', text),
  scopes: column('scopes', json<string[]>()),
  siteId: column('site_id', nullable(text)),
  keyHash: column('key_hash', text),
  createdAt: column('created_at', int),
  lastUsedAt: column('last_used_at', nullable(int)),
  revokedAt: column('revoked_at', nullable(int)),
});

export class SqlApiKeyRepository implements ApiKeyRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async create(k: ApiKey): Promise<void> {
    await keys.insert(this.#db, k);
  }

  get(id: string): Promise<ApiKey | null> {
    return keys.getBy(this.#db, { id });
  }

  getByHash(keyHash: string): Promise<ApiKey | null> {
    return keys.getBy(this.#db, { keyHash });
  }

  list(accountId: string): Promise<ApiKey[]> {
    return keys.listBy(this.#db, { accountId }, ['createdAt', 'id']);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?',
      [at, id],
    );
    return rowCount === 1;
  }

  /** Concurrent requests finish out of order: never move last_used_at backwards. */
  async touch(id: string, at: number): Promise<void> {
    await this.#db.query(
      'UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
      [at, id, at],
    );
  }
}
