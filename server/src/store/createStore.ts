import { StoreConfigError } from './errors.ts';
import { PostgresExecutor } from './executor/PostgresExecutor.ts';
import type { SqlDialect, SqlExecutor } from './executor/SqlExecutor.ts';
import { SqliteExecutor } from './executor/SqliteExecutor.ts';
import { QueryErrors } from './executor/QueryErrors.ts';
import { createRepositories, type Repositories } from './Repositories.ts';

/**
 * An open database: its executor (for modules that build their own repositories on it, such as
 * the recording index) and the identity and access repositories. The composition root holds
 * this; everything else receives one repository (or a `Pick` of them).
 */
export interface Store extends Repositories {
  readonly kind: SqlDialect;
  readonly executor: SqlExecutor;
  /** Failed queries (not constraint answers), for the database-errors alarm. */
  readonly queryErrors: QueryErrors;
  /** Runs pending migrations (idempotent). */
  migrate(): Promise<void>;
  /** Idempotent; a closed store refuses work with StoreClosedError. */
  close(): Promise<void>;
}

export interface StoreConfig {
  /**
   * `sqlite:<path>` (relative to the working directory, or absolute), `sqlite::memory:`, or
   * `postgres://...` / `postgresql://...`; a `schema=<name>` query parameter on a PostgreSQL URL
   * selects the schema.
   */
  url: string;
}

/** Opens the store the URL names and brings its schema up to date. */
export async function createStore(config: StoreConfig): Promise<Store> {
  const { url } = config;
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file === '') throw new StoreConfigError('store URL "sqlite:" names no file');
    return openStore(await SqliteExecutor.create({ file }));
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return openStore(await PostgresExecutor.create(postgresOptions(url)));
  }
  // Only the scheme goes into the message: the rest of a URL may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(none)';
  throw new StoreConfigError(
    `unsupported store URL scheme ${scheme}: use sqlite:<path>, sqlite::memory: or postgres://...`,
  );
}

/** Brings the executor's schema up to date (closing it if that fails) and builds the repositories. */
export async function openStore(executor: SqlExecutor): Promise<Store> {
  try {
    await executor.migrate();
  } catch (error) {
    await executor.close();
    throw error;
  }
  const queryErrors = new QueryErrors();
  const watched = queryErrors.watch(executor);
  return {
    ...createRepositories(watched),
    kind: executor.dialect,
    executor: watched,
    queryErrors,
    migrate: () => executor.migrate(),
    close: () => executor.close(),
  };
}

/** Takes our `schema` parameter off the URL before pg sees it. */
function postgresOptions(url: string): { connectionString: string; schema?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreConfigError('store URL is not a valid postgres:// URL');
  }
  const schema = parsed.searchParams.get('schema');
  if (schema === null) return { connectionString: url };
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}
