import type { SqlExecutor } from '../executor/SqlExecutor.ts';
import { bool, column, int, nullable, Table, text } from '../executor/table.ts';

export interface Account {
  id: string;
  /** Lower-cased, unique. */
  email: string;
  displayName: string;
  /** scrypt$N$r$p$salt$hash (see identity/authentication/passwords.ts). */
  passwordHash: string;
  /** Platform administrator (`admin:*`). */
  isAdmin: boolean;
  createdAt: number;
  /** Set when the account is disabled; all its sessions are cut. */
  disabledAt: number | null;
  /**
   * Carried by the account's access tokens; bumping it (disable, password change or reset, sign
   * out everywhere) kills every token issued before. Absent on create: 0.
   */
  tokenGeneration?: number;
  /** The API refuses everything but the password change until it is false. Absent on create: false. */
  mustChangePassword?: boolean;
}

export type AccountPatch = Partial<
  Pick<Account, 'displayName' | 'passwordHash' | 'isAdmin' | 'disabledAt' | 'mustChangePassword'>
>;

/** People who sign in. Lookups return null when missing; `update` returns whether it existed. */
export interface AccountRepository {
  create(a: Account): Promise<void>;
  get(id: string): Promise<Account | null>;
  getByEmail(email: string): Promise<Account | null>;
  /** Oldest first. */
  list(): Promise<Account[]>;
  update(id: string, patch: AccountPatch): Promise<boolean>;
  count(): Promise<number>;
  /** Adds one to the token generation; returns the new one (null: no such account). */
  bumpTokenGeneration(id: string): Promise<number | null>;
}

const accounts = new Table<Account>('accounts', {
  id: column('id', text),
  email: column('email', text),
  displayName: column('display_name', text),
  passwordHash: column('password_hash', text),
  isAdmin: column('is_admin', bool),
  createdAt: column('created_at', int),
  disabledAt: column('disabled_at', nullable(int)),
  tokenGeneration: column('token_generation', {
    toSql: (v: number | undefined) => v ?? 0,
    fromSql: (v) => Number(v ?? 0),
  }),
  mustChangePassword: column('must_change_password', {
    toSql: (v: boolean | undefined) => v ?? false,
    fromSql: (v) => bool.fromSql(v),
  }),
});

const PATCHABLE = [
  'displayName',
  'passwordHash',
  'isAdmin',
  'disabledAt',
  'mustChangePassword',
] as const;

export class SqlAccountRepository implements AccountRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async create(a: Account): Promise<void> {
    await accounts.insert(this.#db, a);
  }

  get(id: string): Promise<Account | null> {
    return accounts.getBy(this.#db, { id });
  }

  getByEmail(email: string): Promise<Account | null> {
    return accounts.getBy(this.#db, { email });
  }

  list(): Promise<Account[]> {
    return accounts.listBy(this.#db, {}, ['createdAt', 'id']);
  }

  update(id: string, patch: AccountPatch): Promise<boolean> {
    return accounts.patch(this.#db, 'id', id, PATCHABLE, patch);
  }

  async count(): Promise<number> {
    const { rows } = await this.#db.query('SELECT COUNT(*) AS n FROM accounts');
    return Number(rows[0]?.n ?? 0);
  }

  async bumpTokenGeneration(id: string): Promise<number | null> {
    const { rowCount } = await this.#db.query(
      'UPDATE accounts SET token_generation = token_generation + 1 WHERE id = ?',
      [id],
    );
    if (rowCount !== 1) return null;
    return (await this.get(id))?.tokenGeneration ?? null;
  }
}
