import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MigrationError } from '../../src/store/errors.ts';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { SqliteStore } from '../../src/store/SqliteStore.ts';
import { describeStoreContract } from './storeContract.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-sqlite-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshFile = (): string => path.join(dir, `store-${++files}.db`);

describeStoreContract('SQLite in memory', () => SqliteStore.create({ file: ':memory:' }));
describeStoreContract('SQLite file (WAL)', () => SqliteStore.create({ file: freshFile() }));

describe('SqliteStore', () => {
  it('persists across reopening, in WAL mode, migrating only once', async () => {
    const file = freshFile();
    const first = await SqliteStore.create({ file });
    await first.createSite({ id: 's1', name: 'Home', createdAt: 1 });
    await first.close();
    const second = await SqliteStore.create({ file });
    expect(await second.getSite('s1')).toStrictEqual({ id: 's1', name: 'Home', createdAt: 1 });
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
    await (await SqliteStore.create({ file })).close();
    const raw = new Database(file);
    raw
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(9999, 'from the future', 1);
    raw.close();
    await expect(SqliteStore.create({ file })).rejects.toBeInstanceOf(MigrationError);
  });

  it('two connections to one file see each other and migrate once', async () => {
    const file = freshFile();
    const [a, b] = await Promise.all([SqliteStore.create({ file }), SqliteStore.create({ file })]);
    await a.createSite({ id: 's1', name: 'Home', createdAt: 1 });
    expect(await b.getSite('s1')).not.toBeNull();
    await Promise.all([a.close(), b.close()]);
  });
});
