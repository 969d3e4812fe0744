import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../tests/support/postgres.ts';
import { MigrationError, StoreConfigError } from '../../src/store/errors.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { createStore, openStore, type Store } from '../../src/store/createStore.ts';
import {
  PostgresExecutor,
  type PostgresExecutorOptions,
} from '../../src/store/executor/PostgresExecutor.ts';
import { describeStoreContract } from './storeContract.ts';

// A real server, started once for this file. If it cannot start, every test here fails with the
// start-up error: a throwing beforeAll would only mark them skipped, and the summary line would
// read as if PostgreSQL support had passed.
let server: TestPostgres | undefined;
let startError: unknown;
beforeAll(async () => {
  try {
    server = await startPostgres();
  } catch (error) {
    startError = error;
  }
}, 60_000);
afterAll(async () => {
  await server?.stop();
}, 60_000);

function url(): string {
  if (!server) throw startError ?? new Error('PostgreSQL test server is not running');
  return server.url;
}

const open = async (o: PostgresExecutorOptions): Promise<Store> =>
  openStore(await PostgresExecutor.create(o));

/** A fresh schema per store: tests stay independent without a server per test. */
let schemas = 0;
const freshSchema = (): string => `t${process.pid}_${++schemas}`;

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describeStoreContract('PostgreSQL', () => open({ connectionString: url(), schema: freshSchema() }));

describe('PostgreSQL store', () => {
  it('migrates once when many processes start together (advisory lock)', async () => {
    const schema = freshSchema();
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => open({ connectionString: url(), schema })),
    );
    await Promise.all(stores.map((s) => s.close()));
    const rows = await withClient(
      async (c) =>
        (await c.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`)).rows,
    );
    expect(rows).toStrictEqual(MIGRATIONS.map((m) => ({ version: m.version })));
  });

  it('uses BIGINT times, JSONB arrays and BOOLEAN flags', async () => {
    const schema = freshSchema();
    await (await open({ connectionString: url(), schema })).close();
    const types = await withClient(async (c) => {
      const { rows } = await c.query<{
        table_name: string;
        column_name: string;
        data_type: string;
      }>(
        `SELECT table_name, column_name, data_type FROM information_schema.columns
          WHERE table_schema = $1 AND (table_name, column_name) IN
            (('accounts', 'created_at'), ('accounts', 'is_admin'), ('grants', 'device_ids'),
             ('api_keys', 'scopes'), ('audit_events', 'detail'), ('audit_events', 'id'),
             ('devices', 'online'))
          ORDER BY table_name, column_name`,
        [schema],
      );
      return rows.map((r) => `${r.table_name}.${r.column_name}:${r.data_type}`);
    });
    expect(types).toStrictEqual([
      'accounts.created_at:bigint',
      'accounts.is_admin:boolean',
      'api_keys.scopes:jsonb',
      'audit_events.detail:jsonb',
      'audit_events.id:bigint',
      'devices.online:boolean',
      'grants.device_ids:jsonb',
    ]);
  });

  it('keeps schemas apart', async () => {
    const a = await open({ connectionString: url(), schema: freshSchema() });
    const b = await open({ connectionString: url(), schema: freshSchema() });
    await a.sites.create({ id: 's1', name: 'A', createdAt: 1 });
    expect(await b.sites.get('s1')).toBeNull();
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses a schema migrated by a newer build', async () => {
    const schema = freshSchema();
    await (await open({ connectionString: url(), schema })).close();
    await withClient((c) =>
      c.query(
        `INSERT INTO "${schema}".schema_migrations (version, name, applied_at) VALUES (9999, 'x', 1)`,
      ),
    );
    await expect(open({ connectionString: url(), schema })).rejects.toBeInstanceOf(MigrationError);
  });

  it('refuses an illegal schema name', async () => {
    await expect(
      open({ connectionString: url(), schema: 'x"; DROP SCHEMA public; --' }),
    ).rejects.toBeInstanceOf(StoreConfigError);
  });

  it('refuses a schema together with an options URL parameter that would override it', async () => {
    await expect(
      open({
        connectionString: `${url()}?options=-c%20search_path%3Dpublic`,
        schema: freshSchema(),
      }),
    ).rejects.toBeInstanceOf(StoreConfigError);
  });

  it('fails fast, closing its pool, when the server is unreachable', async () => {
    await expect(open({ connectionString: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toThrow(
      /ECONNREFUSED|connect/,
    );
  });

  it('is what createStore builds for a postgres:// URL, schema from the query string', async () => {
    const schema = freshSchema();
    const store = await createStore({ url: `${url()}?schema=${schema}` });
    expect(store.kind).toBe('postgres');
    await store.sites.create({ id: 's1', name: 'Home', createdAt: 1 });
    await store.close();
    const names = await withClient(
      async (c) => (await c.query(`SELECT name FROM "${schema}".sites`)).rows,
    );
    expect(names).toStrictEqual([{ name: 'Home' }]);
  });
});
