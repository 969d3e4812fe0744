import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  findPostgresBinaries,
  PostgresNotInstalledError,
  startPostgres,
} from '../../../tests/support/postgres.ts';

/** The test helper itself: a broken helper would make every PostgreSQL test meaningless. */
describe('tests/support/postgres', () => {
  it('fails with a clear message when the server binaries are missing', () => {
    expect(() => findPostgresBinaries('/nonexistent/postgresql', undefined)).toThrow(
      PostgresNotInstalledError,
    );
    expect(() => findPostgresBinaries('/nonexistent/postgresql', undefined)).toThrow(
      /install the postgresql package/,
    );
  });

  it('picks the newest installed version', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-pgbin-'));
    try {
      for (const version of ['9.6', '15', '16', '16-broken']) {
        const bin = path.join(root, version, 'bin');
        fs.mkdirSync(bin, { recursive: true });
        for (const exe of ['initdb', 'postgres']) fs.writeFileSync(path.join(bin, exe), '');
      }
      fs.mkdirSync(path.join(root, '17', 'bin'), { recursive: true }); // no binaries in it
      expect(findPostgresBinaries(root, undefined)).toBe(path.join(root, '16', 'bin'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('starts a usable server and stops it (idempotently), removing its directory', async () => {
    const server = await startPostgres();
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rows } = await client.query<{ db: string; fsync: string; encoding: string }>(
      `SELECT current_database() AS db, current_setting('fsync') AS fsync,
              current_setting('server_encoding') AS encoding`,
    );
    expect(rows).toStrictEqual([{ db: 'porchlight_test', fsync: 'off', encoding: 'UTF8' }]);
    // A client still connected must not hold up a fast shutdown.
    client.on('error', () => undefined);
    await Promise.all([server.stop(), server.stop()]);
    await client.end().catch(() => undefined);
    expect(fs.existsSync(server.dir)).toBe(false);
    const late = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2_000 });
    await expect(late.connect()).rejects.toThrow();
  });
});
