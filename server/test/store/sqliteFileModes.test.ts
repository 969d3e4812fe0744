import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/createStore.ts';
import { SqliteExecutor } from '../../src/store/executor/SqliteExecutor.ts';

/** Finding 10: the database and its WAL files hold accounts and hashes; others must not read them. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-sqlite-modes-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const mode = (p: string): number => fs.statSync(p).mode & 0o777;
const dbFiles = (file: string): string[] =>
  [file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f));

describe('SQLite file modes', () => {
  it('creates the database, -wal and -shm 0600 under a 022 umask', async () => {
    const old = process.umask(0o022);
    const file = path.join(dir, 'fresh.db');
    try {
      const store = await openStore(await SqliteExecutor.create({ file }));
      await store.sites.create({ id: 's1', name: 'Home', createdAt: 1 });
      // While open, WAL mode keeps -wal and -shm next to the file.
      expect(dbFiles(file)).toHaveLength(3);
      for (const f of dbFiles(file)) expect({ f, mode: mode(f) }).toEqual({ f, mode: 0o600 });
      await store.close();
    } finally {
      process.umask(old);
    }
  });

  it('tightens a database an older version left 0644', async () => {
    const file = path.join(dir, 'old.db');
    const first = await openStore(await SqliteExecutor.create({ file }));
    await first.close();
    fs.chmodSync(file, 0o644);
    const store = await openStore(await SqliteExecutor.create({ file }));
    await store.sites.create({ id: 's2', name: 'Cabin', createdAt: 1 });
    for (const f of dbFiles(file)) expect({ f, mode: mode(f) }).toEqual({ f, mode: 0o600 });
    await store.close();
  });
});
