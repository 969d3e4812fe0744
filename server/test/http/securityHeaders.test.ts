import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';

/**
 * Issue 16 "Security hardening" and finding 10: strict CSP (no inline scripts, wasm only for the
 * home app, connect-src our origin instead of any wss:), frame-ancestors 'none', HSTS only with a
 * configured certificate, CORS closed except for the allow-list, no admin source maps served.
 */
const INTEGRATOR = 'https://integrator.example';

function directives(csp: string | null): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const part of (csp ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) m.set(name, values);
  }
  return m;
}

describe('HTTP security headers', () => {
  let configured: TestServer;
  let localCa: TestServer;
  let appsDir: string;

  beforeAll(async () => {
    appsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-headers-'));
    for (const app of ['home', 'admin']) {
      const dist = path.join(appsDir, app, 'dist', 'assets');
      fs.mkdirSync(dist, { recursive: true });
      fs.writeFileSync(path.join(appsDir, app, 'dist', 'index.html'), '<!doctype html><p>app');
      fs.writeFileSync(path.join(dist, 'main.js'), 'console.log(1)');
      fs.writeFileSync(path.join(dist, 'main.js.map'), '{"sources":["secret.ts"]}');
    }
    configured = await startTestServer(
      { http: { corsOrigins: [INTEGRATOR], connectSrc: ['wss://media.example:8443'] } },
      { appsDir },
    );
    // No tls.certFile: the server's own local CA, which browsers trust only per device.
    localCa = await startTestServer({ tls: { certFile: '', keyFile: '' } }, { appsDir });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([configured?.close(), localCa?.close()]);
    fs.rmSync(appsDir, { recursive: true, force: true });
  });

  it('a strict CSP: no inline scripts, wasm only for the home app, our origin instead of any wss:', async () => {
    const home = directives(
      (await fetch(`${configured.url}/`)).headers.get('content-security-policy'),
    );
    const admin = directives(
      (await fetch(`${configured.url}/admin/`)).headers.get('content-security-policy'),
    );
    const api = directives(
      (await fetch(`${configured.url}/healthz`)).headers.get('content-security-policy'),
    );
    for (const csp of [home, admin, api]) {
      expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
      expect(csp.get('script-src')).not.toContain("'unsafe-eval'");
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(csp.get('connect-src')).toEqual(["'self'", 'wss://media.example:8443']);
      for (const v of csp.get('connect-src')!) expect(v).not.toMatch(/^(wss|https|ws|http):?$/);
    }
    expect(home.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(admin.get('script-src')).toEqual(["'self'"]);
  });

  it('HSTS with a configured certificate, none with the local CA', async () => {
    const withCert = await fetch(`${configured.url}/healthz`);
    expect(withCert.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const ownCa = await fetch(`${localCa.url}/healthz`);
    expect(ownCa.status).toBe(200);
    expect(ownCa.headers.get('strict-transport-security')).toBeNull();
    expect(directives(ownCa.headers.get('content-security-policy')).get('connect-src')).toEqual([
      "'self'",
    ]);
  });

  it('CORS is closed by default and open to the allow-list only', async () => {
    const preflight = (base: string, origin: string) =>
      fetch(`${base}/api/v1/sites`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
    const listed = await preflight(configured.url, INTEGRATOR);
    expect(listed.status).toBe(204);
    expect(listed.headers.get('access-control-allow-origin')).toBe(INTEGRATOR);
    expect(listed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(listed.headers.get('access-control-allow-credentials')).toBeNull();
    for (const [base, origin] of [
      [configured.url, 'https://evil.example'],
      [configured.url, 'null'],
      [localCa.url, INTEGRATOR],
    ] as const) {
      const res = await preflight(base, origin);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
      const get = await fetch(`${base}/healthz`, { headers: { origin } });
      expect(get.headers.get('access-control-allow-origin')).toBeNull();
    }
    const simple = await fetch(`${configured.url}/healthz`, { headers: { origin: INTEGRATOR } });
    expect(simple.headers.get('access-control-allow-origin')).toBe(INTEGRATOR);
  });

  it('serves no admin source maps', async () => {
    expect((await fetch(`${configured.url}/admin/assets/main.js`)).status).toBe(200);
    expect((await fetch(`${configured.url}/admin/assets/main.js.map`)).status).toBe(404);
    const config = (await import('../../../apps/admin/vite.config.ts')).default as {
      build?: { sourcemap?: unknown };
    };
    expect(config.build?.sourcemap).toBe(false);
  });
});
