import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/createStore.ts';
import { StoreConfigError } from '../../src/store/errors.ts';

// postgres:// URLs are covered in postgres.test.ts, against a real server.
describe('createStore', () => {
  it('opens an in-memory SQLite store for sqlite::memory:', async () => {
    const store = await createStore({ url: 'sqlite::memory:' });
    expect(store.kind).toBe('sqlite');
    expect(await store.accounts.count()).toBe(0);
    await store.close();
  });

  it('opens a SQLite file for sqlite:<path>', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-factory-'));
    try {
      const file = path.join(dir, 'porchlight.db');
      const store = await createStore({ url: `sqlite:${file}` });
      expect(store.kind).toBe('sqlite');
      await store.close();
      expect(fs.existsSync(file)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['an unknown scheme', 'mysql://root:hunter2@db/porchlight'],
    ['no scheme', '/var/lib/porchlight.db'],
    ['an empty URL', ''],
    ['sqlite: without a path', 'sqlite:'],
    ['an unparsable postgres URL', 'postgres://[::1'],
  ])('refuses %s with a clear error that does not echo secrets', async (_, url) => {
    const error: unknown = await createStore({ url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreConfigError);
    expect((error as Error).message).not.toContain('hunter2');
    expect((error as Error).message).toMatch(/sqlite|postgres/);
  });
});
