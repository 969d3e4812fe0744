import { StoreConfigError } from './errors.ts';
import { PostgresStore } from './PostgresStore.ts';
import { SqliteStore } from './SqliteStore.ts';
import type { Store } from './types.ts';

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
    return SqliteStore.create({ file });
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return PostgresStore.create(postgresOptions(url));
  }
  // Only the scheme goes into the message: the rest of a URL may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(none)';
  throw new StoreConfigError(
    `unsupported store URL scheme ${scheme}: use sqlite:<path>, sqlite::memory: or postgres://...`,
  );
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
