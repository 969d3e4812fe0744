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
}

export type AccountPatch = Partial<
  Pick<Account, 'displayName' | 'passwordHash' | 'isAdmin' | 'disabledAt'>
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
}

const accounts = new Table<Account>('accounts', {
  id: column('id', text),
  email: column('email', text),
  displayName: column('display_name', text),
  passwordHash: column('password_hash', text),
  isAdmin: column('is_admin', bool),
  createdAt: column('created_at', int),
  disabledAt: column('disabled_at', nullable(int)),
});

const PATCHABLE = ['displayName', 'passwordHash', 'isAdmin', 'disabledAt'] as const;

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
}
