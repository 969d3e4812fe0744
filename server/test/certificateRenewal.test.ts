import fs from 'node:fs';
import http2 from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpApp } from '../src/http/HttpServer.ts';
import { loadTls, type LoadTlsOptions } from '../src/http/tls.ts';

/**
 * A server that runs for longer than its certificate lives: the certificate is renewed under the
 * running server (new connections get the new one, from the same CA) without a restart.
 */

const DAY = 24 * 3600 * 1000;
let app: HttpApp | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await app?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** What a client that trusts only the CA sees: the served certificate, verified. */
async function served(port: number, caPem: string): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca: [caPem], ALPNProtocols: ['h2'] }, () => {
      const cert = s.getPeerX509Certificate();
      const alpn = s.alpnProtocol;
      s.destroy();
      if (!cert) reject(new Error('no certificate'));
      else if (alpn !== 'h2') reject(new Error(`ALPN ${String(alpn)}`));
      else resolve(cert);
    });
    s.once('error', reject);
  });
}

describe('certificate renewal while running', () => {
  it('serves a renewed certificate from the same CA to new connections', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-renew-'));
    // Started 380 days ago: the certificate issued then has 17 days left today.
    let now = Date.now() - 380 * DAY;
    const options = (): LoadTlsOptions => ({
      certFile: '',
      keyFile: '',
      dataDir: dataDir!,
      hosts: ['localhost', '127.0.0.1'],
      now: () => now,
    });
    const first = loadTls(options());
    app = await createHttpServer({
      tls: first,
      apps: [],
      reloadTls: () => loadTls(options()),
      renewIntervalMs: 50,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const caPem = first.localCa!.pem;
    expect((await served(port, caPem)).fingerprint256).toBe(
      new X509Certificate(first.cert).fingerprint256,
    );

    // Today it is within its 30-day renewal window: the next check renews it.
    now = Date.now();
    await expect
      .poll(async () => (await served(port, caPem)).fingerprint256, { timeout: 10_000 })
      .not.toBe(new X509Certificate(first.cert).fingerprint256);
    const renewed = await served(port, caPem);
    expect(renewed.checkIssued(new X509Certificate(caPem))).toBe(true);
    expect(Date.parse(renewed.validTo)).toBeGreaterThan(now + 390 * DAY);
    // It is the one now on disk (what TURN and the next start read).
    expect(renewed.fingerprint256).toBe(
      new X509Certificate(fs.readFileSync(path.join(dataDir, 'tls', 'cert.pem'))).fingerprint256,
    );
    // Requests still work over HTTP/2 on the renewed certificate.
    const client = http2.connect(`https://127.0.0.1:${port}`, { ca: [caPem] });
    const body = await new Promise<string>((resolve, reject) => {
      const req = client.request({ ':path': '/healthz' });
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => resolve(data));
      req.on('error', reject);
    });
    client.close();
    expect(JSON.parse(body)).toEqual({ ok: true });
  });
});
