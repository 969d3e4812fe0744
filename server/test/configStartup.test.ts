import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../tests/support/testServer.ts';

const repo = path.resolve(import.meta.dirname, '../..');

describe('configuration at start-up', () => {
  it('refuses an illegal PORCHLIGHT_LOG_LEVEL with a clear message and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: repo,
      env: { ...process.env, PORCHLIGHT_LOG_LEVEL: 'verbose' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(stderr).toMatch(/invalid configuration:\n\s+- logLevel: /);
  });

  describe('a running server', () => {
    let ts: TestServer;
    beforeAll(async () => {
      ts = await startTestServer({
        recording: { defaultPreRollSeconds: 9, defaultPostRollSeconds: 33 },
      });
    });
    afterAll(async () => {
      await ts?.close();
    });

    it("reports the server package.json's version in /api/openapi.json", async () => {
      const pkg = JSON.parse(
        fs.readFileSync(path.join(repo, 'server', 'package.json'), 'utf8'),
      ) as { version: string };
      const res = await api<{ info: { version: string } }>(ts.url, 'GET', '/api/openapi.json');
      expect(res.status).toBe(200);
      expect(res.body.info.version).toBe(pkg.version);
    });

    it('gives a new camera the configured pre/post-roll (no default of its own)', async () => {
      const camera = await ts.mintWithId('camera');
      const status = await ts.server.recording.service.status(camera.id, ts.siteId);
      expect(status.preRollSeconds).toBe(9);
      expect(status.postRollSeconds).toBe(33);
    });
  });
});
