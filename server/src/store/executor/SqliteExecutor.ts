import fs from 'node:fs';
import Database from 'better-sqlite3';
import { DuplicateError, MissingReferenceError, StoreClosedError } from '../errors.ts';
import { migrateSqlite } from '../migrateSqlite.ts';
import type { QueryResult, Row, SqlExecutor, SqlValue } from './SqlExecutor.ts';

export interface SqliteExecutorOptions {
  /** Database file, or ':memory:' (tests). */
  file: string;
  /** How long a statement waits for another process's write lock. Default 5 s. */
  busyTimeoutMs?: number;
}

type Statement = Database.Statement<unknown[], unknown>;

/** Owner-only mode of the database and its WAL files (they hold accounts and hashes). */
const DB_FILE_MODE = 0o600;

/**
 * Creates the database file 0600 before SQLite opens it (SQLite gives its -wal and -shm files the
 * main file's mode), and tightens a file and its WAL files left 0644 by an older version.
 */
function ownerOnly(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', DB_FILE_MODE));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(f).mode & 0o077) !== 0) fs.chmodSync(f, DB_FILE_MODE);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

/**
 * The embedded database: one better-sqlite3 connection. Its API is synchronous, so each statement
 * runs to completion before any other JavaScript does; that is what makes single statements
 * (DELETE ... RETURNING, conditional UPDATE) atomic here without explicit locking.
 */
export class SqliteExecutor implements SqlExecutor {
  readonly dialect = 'sqlite' as const;
  readonly #db: Database.Database;
  /** Prepared statements by SQL text. The set is bounded: SQL never embeds values. */
  readonly #statements = new Map<string, Statement>();
  #closed = false;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Opens the file; does not migrate (see openStore). */
  static async create(options: SqliteExecutorOptions): Promise<SqliteExecutor> {
    if (options.file !== ':memory:') ownerOnly(options.file);
    const db = new Database(options.file);
    try {
      // WAL: readers do not block the writer. NORMAL is durable across application crashes in WAL
      // mode (only an OS crash can lose the last commits), at a fraction of FULL's fsyncs.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteExecutor(db);
  }

  async migrate(): Promise<void> {
    this.#assertOpen();
    migrateSqlite(this.#db);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#statements.clear();
    this.#db.close();
  }

  async query(sql: string, params: readonly SqlValue[] = []): Promise<QueryResult> {
    this.#assertOpen();
    const statement = this.#prepare(sql);
    const values = params.map(toSqlite);
    try {
      if (statement.reader) {
        const rows = statement.all(...values) as Row[];
        return { rows, rowCount: rows.length };
      }
      return { rows: [], rowCount: statement.run(...values).changes };
    } catch (error) {
      throw mapSqliteError(error);
    }
  }

  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreClosedError(this.dialect);
  }
}

/** better-sqlite3 refuses to bind booleans. */
function toSqlite(value: SqlValue): string | number | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

function mapSqliteError(error: unknown): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  switch (error.code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return new DuplicateError(error.message, { cause: error });
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return new MissingReferenceError(error.message, { cause: error });
    default:
      return error;
  }
}
