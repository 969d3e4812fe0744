import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MigrationError } from '../../src/store/errors.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { openStore, type Store } from '../../src/store/createStore.ts';
import {
  SqliteExecutor,
  type SqliteExecutorOptions,
} from '../../src/store/executor/SqliteExecutor.ts';
import { describeStoreContract } from './storeContract.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-sqlite-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshFile = (): string => path.join(dir, `store-${++files}.db`);
const open = async (o: SqliteExecutorOptions): Promise<Store> =>
  openStore(await SqliteExecutor.create(o));

describeStoreContract('SQLite in memory', () => open({ file: ':memory:' }));
describeStoreContract('SQLite file (WAL)', () => open({ file: freshFile() }));

describe('SQLite store', () => {
  it('persists across reopening, in WAL mode, migrating only once', async () => {
    const file = freshFile();
    const first = await open({ file });
    await first.sites.create({ id: 's1', name: 'Home', createdAt: 1 });
    await first.close();
    const second = await open({ file });
    expect(await second.sites.get('s1')).toStrictEqual({ id: 's1', name: 'Home', createdAt: 1 });
    await second.close();

    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const versions = raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
      expect(versions).toStrictEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    } finally {
      raw.close();
    }
  });

  it('refuses a database migrated by a newer build', async () => {
    const file = freshFile();
    await (await open({ file })).close();
    const raw = new Database(file);
    raw
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(9999, 'from the future', 1);
    raw.close();
    await expect(open({ file })).rejects.toBeInstanceOf(MigrationError);
  });

  it('two connections to one file see each other and migrate once', async () => {
    const file = freshFile();
    const [a, b] = await Promise.all([open({ file }), open({ file })]);
    await a.sites.create({ id: 's1', name: 'Home', createdAt: 1 });
    expect(await b.sites.get('s1')).not.toBeNull();
    await Promise.all([a.close(), b.close()]);
  });
});
