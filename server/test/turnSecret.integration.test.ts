import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokens } from '../src/identity/authentication/AccessTokens.ts';
import { testTurnConfig } from '../../tests/support/ports.ts';
import { startTestServer, type TestServer } from '../../tests/support/testServer.ts';

/**
 * With PORCHLIGHT_TOKEN_SECRET set (the test server always sets auth.tokenSecret), coturn's
 * database holds a TURN secret of its own, never the token secret (issue 9 §5).
 */
describe('the TURN secret is never the token secret', () => {
  let ts: TestServer;

  beforeAll(async () => {
    ts = await startTestServer({ turn: await testTurnConfig() });
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('turndb holds the turn-secret file, not the token secret; both 0600 in 0700 directories', async () => {
    const dataDir = ts.server.config.dataDir;
    expect(ts.server.config.auth.tokenSecret).toBe(ts.secret);
    const dbPath = path.join(dataDir, 'turn', 'turndb');
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    let stored: string[];
    try {
      stored = (db.prepare('SELECT value FROM turn_secret').all() as { value: string }[]).map(
        (r) => r.value,
      );
    } finally {
      db.close();
    }
    const turnSecretFile = path.join(dataDir, 'secrets', 'turn-secret');
    expect(stored).toEqual([fs.readFileSync(turnSecretFile, 'utf8').trim()]);
    expect(stored).not.toContain(ts.secret);
    // Nothing coturn can read holds the token secret.
    for (const file of fs.readdirSync(path.join(dataDir, 'turn'))) {
      const text = fs.readFileSync(path.join(dataDir, 'turn', file));
      expect(text.includes(ts.secret), file).toBe(false);
    }
    // Whatever coturn can read (config and database values) cannot sign an access token.
    const conf = fs.readFileSync(ts.server.turn!.supervisor.confPath, 'utf8');
    const candidates = [
      ...stored,
      ...conf.split('\n').flatMap((l) => (l.includes('=') ? [l.slice(l.indexOf('=') + 1)] : [])),
    ].filter((v) => v.length >= 32);
    expect(candidates.length).toBeGreaterThan(0);
    for (const candidate of candidates) {
      const forged = await new AccessTokens({ secret: candidate }).issueAccount('admin');
      await expect(ts.server.identity.accessTokens.verifyAccount(forged.token)).rejects.toThrow();
    }
    const genuine = await ts.server.identity.accessTokens.issueAccount('admin');
    await expect(
      ts.server.identity.accessTokens.verifyAccount(genuine.token),
    ).resolves.toBeDefined();
    const mode = (p: string): number => fs.statSync(p).mode & 0o777;
    expect(mode(path.join(dataDir, 'turn'))).toBe(0o700);
    expect(mode(dbPath)).toBe(0o600);
    expect(mode(path.join(dataDir, 'secrets'))).toBe(0o700);
    expect(mode(turnSecretFile)).toBe(0o600);
  });
});
