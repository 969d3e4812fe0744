import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { trustLines } from '../../src/http/ca/startupLines.ts';

/**
 * /ca over the real server: the page and downloads a phone uses to install the local CA (fetched
 * by a client that trusts nothing but that CA, as the phone will afterwards), and what it says
 * when a configured certificate is in use.
 */

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, ca: string | undefined): Promise<Got> {
  return new Promise((resolve, reject) => {
    https
      .get(url, ca ? { ca: [ca] } : { rejectUnauthorized: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      })
      .on('error', reject);
  });
}

describe('/ca with the local CA', () => {
  let ts: TestServer;
  let caPem: string;

  beforeAll(async () => {
    // No configured certificate: the server makes its CA in the throwaway data dir.
    ts = await startTestServer({ tls: { certFile: '', keyFile: '' } });
    caPem = ts.server.localCa!.pem;
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('serves the page to a client that trusts only the CA, with the fingerprint to compare', async () => {
    const res = await get(`${ts.url}/ca`, caPem);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    const html = res.body.toString();
    expect(html).toContain(ts.server.localCa!.fingerprint256);
    expect(html).not.toMatch(/<script/i);
    for (const step of [
      'Install a certificate → CA certificate',
      'Certificate Trust Settings',
      'Always Trust',
      'certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n porchlight -i porchlight-ca.crt',
      'Trusted Root Certification Authorities',
      'View Certificates → Authorities → Import',
    ]) {
      expect(html.replace(/&amp;/g, '&')).toContain(step);
    }
    const slash = await get(`${ts.url}/ca/`, caPem);
    expect(slash.status).toBe(301);
    expect(slash.headers['location']).toBe('/ca');
    expect(html).toContain('href="/ca/porchlight-ca.crt"');
    expect(html).toContain('href="/ca/porchlight-ca.mobileconfig"');
  });

  it('the DER download is the CA with the same fingerprint; PEM and the iOS profile carry it too', async () => {
    const crt = await get(`${ts.url}/ca/porchlight-ca.crt`, caPem);
    expect(crt.status).toBe(200);
    expect(crt.headers['content-type']).toBe('application/x-x509-ca-cert');
    expect(crt.headers['content-disposition']).toBe('attachment; filename="porchlight-ca.crt"');
    const der = new X509Certificate(crt.body);
    expect(der.fingerprint256).toBe(ts.server.localCa!.fingerprint256);
    expect(der.ca).toBe(true);
    // The served server certificate chains to it.
    expect(new X509Certificate(await serverCert(ts.url)).checkIssued(der)).toBe(true);

    const pem = await get(`${ts.url}/ca/porchlight-ca.pem`, caPem);
    expect(pem.headers['content-type']).toBe('application/x-pem-file');
    expect(new X509Certificate(pem.body).fingerprint256).toBe(der.fingerprint256);

    const profile = await get(`${ts.url}/ca/porchlight-ca.mobileconfig`, caPem);
    expect(profile.headers['content-type']).toBe('application/x-apple-aspen-config');
    const xml = profile.body.toString();
    expect(xml).toContain('<string>com.apple.security.root</string>');
    const data = /<data>([A-Za-z0-9+/=]+)<\/data>/.exec(xml)?.[1];
    expect(new X509Certificate(Buffer.from(data!, 'base64')).fingerprint256).toBe(
      der.fingerprint256,
    );
    // The same profile on every download (stable UUIDs: a re-install replaces, not duplicates).
    const again = await get(`${ts.url}/ca/porchlight-ca.mobileconfig`, caPem);
    expect(again.body.toString()).toBe(xml);
  });

  it('the start-up output names the /ca URL and fingerprint, and draws a QR code on a terminal', async () => {
    const plain = await trustLines(ts.server, false);
    expect(plain.join('\n')).toContain(`${ts.url}/ca`);
    expect(plain.join('\n')).toContain(ts.server.localCa!.fingerprint256);
    const tty = await trustLines(ts.server, true);
    const qr = tty.slice(plain.length + 1);
    expect(qr.length).toBeGreaterThan(10);
    expect(qr.join('')).toMatch(/[▀▄█]/);
  });
});

describe('/ca with a configured certificate', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('says a real certificate is in use and offers nothing to download', async () => {
    expect(ts.server.localCa).toBeUndefined();
    const res = await get(`${ts.url}/ca`, undefined);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('This server uses a real certificate');
    for (const f of ['porchlight-ca.crt', 'porchlight-ca.pem', 'porchlight-ca.mobileconfig']) {
      expect((await get(`${ts.url}/ca/${f}`, undefined)).status, f).toBe(404);
    }
    expect(await trustLines(ts.server, true)).toEqual(['TLS: using the configured certificate.']);
  });
});

/** The certificate the server presents. */
function serverCert(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false }, (res) => {
        const socket = res.socket as TLSSocket;
        resolve(socket.getPeerCertificate().raw);
        res.resume();
      })
      .on('error', reject);
  });
}
