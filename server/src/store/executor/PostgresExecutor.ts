import pg from 'pg';
import {
  DuplicateError,
  MissingReferenceError,
  StoreClosedError,
  StoreConfigError,
} from '../errors.ts';
import { migratePostgres } from '../migratePostgres.ts';
import type { QueryResult, Row, SqlExecutor, SqlValue } from './SqlExecutor.ts';
import { createLogger } from '@porchlight/runtime';

const logger = createLogger('PostgresExecutor');

export interface PostgresExecutorOptions {
  /** postgres://user:password@host:port/database */
  connectionString: string;
  /**
   * Schema to keep the tables in (created if missing), e.g. one per tenant or test run. Lower-case
   * letters, digits and _. Default: the server's search_path (normally `public`).
   */
  schema?: string;
  /** Pool size. Default 10. */
  maxConnections?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const INT8_OID = 20;
const JSON_OID = 114;
const JSONB_OID = 3802;

/**
 * Per-pool type parsers (the global pg.types would change every other pg user in the process):
 * BIGINT as a JS number, since every BIGINT here is a unix-ms time, an id or a count, far below
 * 2^53; JSON left as text so rows have the same shape as SQLite's and share one mapper.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID) return (value: string) => Number(value);
    if (oid === JSON_OID || oid === JSONB_OID) return (value: string) => value;
    return format === 'binary'
      ? pg.types.getTypeParser(oid, 'binary')
      : pg.types.getTypeParser(oid, 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * The server database: a pg Pool, parameterized statements only. Single statements are atomic
 * under concurrency because a concurrent writer re-checks the WHERE after the row lock.
 */
export class PostgresExecutor implements SqlExecutor {
  readonly dialect = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #schema: string | null;
  /** `?` -> `$n` translations by SQL text; the set is bounded as SQL never embeds values. */
  readonly #translated = new Map<string, string>();
  #closing: Promise<void> | undefined;

  private constructor(pool: pg.Pool, schema: string | null) {
    this.#pool = pool;
    this.#schema = schema;
  }

  /** Validates the options and builds the pool; connects lazily and does not migrate. */
  static async create(options: PostgresExecutorOptions): Promise<PostgresExecutor> {
    const schema = options.schema ?? null;
    if (schema !== null && !SCHEMA_NAME.test(schema)) {
      throw new StoreConfigError(
        `illegal PostgreSQL schema name ${JSON.stringify(schema)}: use lower-case letters, digits and _`,
      );
    }
    if (schema !== null && hasOptionsParameter(options.connectionString)) {
      // pg lets the URL's `options` override ours, which would silently drop the search_path.
      throw new StoreConfigError('give either a schema or an `options` URL parameter, not both');
    }
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 10_000,
      application_name: 'porchlight',
      types,
      // Sent in the startup packet, so every pooled connection resolves tables in the schema
      // before its first query: no per-connection SET to forget or race.
      ...(schema !== null ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle client whose connection drops emits on the pool; unhandled, that kills the process.
    pool.on('error', (error) => logger.warn('idle connection lost', { error }));
    return new PostgresExecutor(pool, schema);
  }

  async migrate(): Promise<void> {
    this.#assertOpen();
    await migratePostgres(this.#pool, this.#schema);
  }

  close(): Promise<void> {
    // pool.end() throws when called twice; share the first call's promise instead.
    this.#closing ??= this.#pool.end();
    return this.#closing;
  }

  async query(sql: string, params: readonly SqlValue[] = []): Promise<QueryResult> {
    this.#assertOpen();
    try {
      const result = await this.#pool.query<Row>(this.#translate(sql), [...params]);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (error) {
      throw mapPostgresError(error);
    }
  }

  #translate(sql: string): string {
    let text = this.#translated.get(sql);
    if (text === undefined) {
      let n = 0;
      text = sql.replace(/\?/g, () => `$${++n}`);
      this.#translated.set(sql, text);
    }
    return text;
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw new StoreClosedError(this.dialect);
  }
}

function hasOptionsParameter(connectionString: string): boolean {
  try {
    return new URL(connectionString).searchParams.has('options');
  } catch {
    return false; // Not a URL (e.g. a bare socket path): pg reports that itself.
  }
}

function mapPostgresError(error: unknown): unknown {
  if (!(error instanceof pg.DatabaseError)) return error;
  // Name the constraint, not the value: the value may be an e-mail address.
  const where = [error.table, error.constraint].filter(Boolean).join(' ');
  switch (error.code) {
    case '23505':
      return new DuplicateError(`unique constraint violated: ${where}`, { cause: error });
    case '23503':
      return new MissingReferenceError(`foreign key violated: ${where}`, { cause: error });
    default:
      return error;
  }
}
