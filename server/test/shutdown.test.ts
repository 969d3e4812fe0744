import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loggedNumber } from '../../tests/support/logs.ts';
import { connectRaw } from '../../tests/support/rawClient.ts';
import { isAlive } from '../../tests/support/process.ts';

const repo = path.resolve(import.meta.dirname, '../..');

describe('the server process', () => {
  it('refuses illegal config at start-up with a clear message and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: repo,
      env: { ...process.env, PORCHLIGHT_PORT: 'abc' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(stderr).toMatch(/PORCHLIGHT_PORT: expected an integer/);
  });

  it('on SIGTERM closes peers and workers, then exits 0', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-main-'));
    const secret = 's'.repeat(40);
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: repo,
      env: {
        ...process.env,
        PORCHLIGHT_HOST: '127.0.0.1',
        PORCHLIGHT_PUBLIC_HOST: '127.0.0.1',
        PORCHLIGHT_PORT: '0',
        PORCHLIGHT_RTC_PORT: '0',
        PORCHLIGHT_WORKERS: '1',
        PORCHLIGHT_MEDIA_LISTEN_IP: '127.0.0.1',
        PORCHLIGHT_DATA_DIR: dataDir,
        PORCHLIGHT_TOKEN_SECRET: secret,
        PORCHLIGHT_LOG_LEVEL: 'info',
        // coturn is started and supervised too, on ports nothing else here uses.
        PORCHLIGHT_TURN_PORT: String(33478 + (process.pid % 500)),
        PORCHLIGHT_TURN_TLS_PORT: String(35349 + (process.pid % 500)),
      },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 30_000);
      child.stdout.on('data', () => {
        const m = /Porchlight is running at (https:\/\/\S+)/.exec(out);
        if (m && out.includes('Camera -')) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
    });
    // The printed login works, and the printed camera link carries a provisioning code.
    expect(out).toMatch(/#provision=[A-Z0-9-]+/);
    const password = /password: (\S+)/.exec(out)?.[1];
    expect(password).toBeTruthy();
    const workerPid = loggedNumber(out, 'workers started', 'pids');
    expect(isAlive(workerPid)).toBe(true);
    const turnPid = loggedNumber(out, 'coturn running', 'pid');
    expect(isAlive(turnPid)).toBe(true);

    // Log in over the real REST API with the printed password (self-signed cert: this test only).
    process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@porchlight.local', password }),
    });
    expect(login.status).toBe(200);
    const first = (await login.json()) as {
      accessToken: string;
      account: { mustChangePassword?: boolean };
    };
    // The printed password is for the first login only: the owner must choose their own first.
    expect(first.account.mustChangePassword).toBe(true);
    const changed = await fetch(`${url}/api/v1/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${first.accessToken}` },
      body: JSON.stringify({ currentPassword: password, newPassword: 'a-new-long-passphrase-9' }),
    });
    expect(changed.status).toBe(200);
    const { accessToken } = (await changed.json()) as { accessToken: string };
    const client = await connectRaw(url, accessToken);
    expect((await client.request('join', {})).ok).toBe(true);
    expect((await client.request('createTransport', { direction: 'recv' })).ok).toBe(true);
    const disconnected = new Promise<string>((r) => client.socket.once('disconnect', r));

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(0);
    expect(await disconnected).toBeTruthy();
    expect(out).toMatch(/peer left/);
    expect(out).toMatch(/stopped/);
    expect(isAlive(workerPid)).toBe(false);
    expect(isAlive(turnPid)).toBe(false);
    client.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
