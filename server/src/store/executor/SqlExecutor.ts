/**
 * The one seam between repositories and a database. Repositories (identity, recording index, and
 * any later feature) depend on this interface only, never on a driver, so SQLite and PostgreSQL
 * cannot drift apart in semantics: every statement is portable SQL with `?` placeholders.
 */

/** What a driver binds. Booleans are the driver's to encode (SQLite has no boolean type). */
export type SqlValue = string | number | boolean | null;

/** A result row, column name -> driver value (integers as numbers, JSON as text). */
export type Row = Record<string, unknown>;

export interface QueryResult {
  rows: Row[];
  /** Rows changed (or returned, for statements with RETURNING). */
  rowCount: number;
}

export type SqlDialect = 'sqlite' | 'postgres';

export interface SqlExecutor {
  readonly dialect: SqlDialect;
  /**
   * Runs one statement. `sql` uses `?` placeholders and contains no other `?`. Throws
   * DuplicateError / MissingReferenceError for unique / foreign-key violations and
   * StoreClosedError after `close()`.
   */
  query(sql: string, params?: readonly SqlValue[]): Promise<QueryResult>;
  /** Runs pending migrations (idempotent). */
  migrate(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}
