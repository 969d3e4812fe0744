import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/scan-log-secrets.mjs');
const dirs: string[] = [];

/** Runs the scanner CLI over one capture file holding `entries` (JSON lines). */
function scan(entries: unknown[]): { status: number | null; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-'));
  dirs.push(dir);
  const text = entries.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n');
  fs.writeFileSync(path.join(dir, '123.log'), text + '\n');
  const r = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

const b64url = (n: number): string => randomBytes(n).toString('base64url');
const line = (fields: Record<string, unknown>): Record<string, unknown> => ({
  level: 'info',
  time: new Date().toISOString(),
  name: 'Http',
  msg: 'request',
  ...fields,
});

describe('scan-log-secrets', () => {
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('passes a clean log and counts its lines', () => {
    const r = scan([line({ route: '/media/:token/seg/:file', status: 200 }), line({ peers: 3 })]);
    expect(r.out).toContain('scanned 2 lines in 1 files: 0 secrets found');
    expect(r.status).toBe(0);
  });

  it('passes redacted values', () => {
    const r = scan([
      line({ password: '***', authorization: '[redacted]', url: 'rtsp://***@cam.local/s' }),
      line({ url: 'rtsp://admin:***@cam.local/s', path: '/media/***/index.m3u8' }),
    ]);
    expect(r.status, r.out).toBe(0);
  });

  const jwt = `eyJ${b64url(12)}.eyJ${b64url(30)}.${b64url(32)}`;
  const planted: [string, unknown, string][] = [
    ['jwt', line({ header: `Bearer ${jwt}` }), 'jwt'],
    ['api key', line({ msg_: `key plk_${randomUUID()}_${b64url(32)}` }), 'plk_/pld_'],
    ['device credential', line({ c: `pld_${randomUUID()}_${b64url(32)}` }), 'plk_/pld_'],
    ['refresh token', line({ t: `plr_${b64url(32)}` }), 'refresh token'],
    ['provisioning code', line({ c: 'K7M2Q-9XZ4P' }), 'provisioning code'],
    ['media token', line({ url: `/media/${b64url(40)}.${b64url(16)}/index.m3u8` }), 'media token'],
    ['password field', line({ body: { password: 'hunter2-hunter2' } }), '"body.password"'],
    ['cookie field', line({ headers: { cookie: 'sid=abc' } }), '"headers.cookie"'],
    ['rtsp userinfo', line({ input: 'rtsp://admin:pa55word@10.0.0.9/s' }), 'rtsp url'],
    ['master key', line({ keys: `k1:${randomBytes(32).toString('base64')}` }), 'master key'],
    ['fixed test secret', 'ffmpeg stderr lock-secret-0123456789', 'fixed test secret'],
  ];
  it.each(planted)('fails on a planted %s, naming the rule and masking it', (_, entry, rule) => {
    const r = scan([line({ ok: true }), entry]);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toMatch(new RegExp(`123\\.log:2: .*${rule.replace(/[/()]/g, '\\$&')}`));
    for (const secret of ['hunter2-hunter2', 'pa55word', jwt, 'K7M2Q-9XZ4P', 'lock-secret-0123'])
      expect(r.out).not.toContain(secret);
  });
});
