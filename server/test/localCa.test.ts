import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import selfsigned from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTls, type LoadTlsOptions, type TlsMaterial } from '../src/http/tls.ts';
import { issueServerCertificate } from '../src/http/ca/certificates.ts';
import { ensureTestCert } from '../../tests/support/tlsFixture.ts';

/**
 * The local certificate authority: what a phone that installed it checks (chain, names, usages,
 * validity), that a leaked CA key cannot vouch for other sites, that the CA survives restarts
 * while the server certificate is renewed, and that its key stays private.
 */

const DAY = 24 * 3600 * 1000;
const HOSTS = ['porch.home.arpa', 'localhost', '127.0.0.1', '::1', '192.168.1.20'];
const dirs: string[] = [];
const servers: tls.Server[] = [];

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-ca-'));
  dirs.push(d);
  return d;
}

afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const own = (dataDir: string, o: Partial<LoadTlsOptions> = {}): TlsMaterial =>
  loadTls({ certFile: '', keyFile: '', dataDir, hosts: HOSTS, ...o });

const mode = (p: string): number => fs.statSync(p).mode & 0o777;

/**
 * A TLS handshake as a client that trusts only `caPem` would do it (OpenSSL's chain, name
 * constraint and host checks): resolves with null when trusted, else the verification error.
 */
async function handshake(
  material: { cert: string; key: string },
  caPem: string,
  name: string,
): Promise<string | null> {
  const server = tls.createServer({ cert: material.cert, key: material.key }, (s) => s.end());
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      ca: [caPem],
      // An IP literal is checked against the IP SANs; a name is sent as SNI and checked.
      ...(name.includes('.') && /^[\d.]+$/.test(name) ? {} : { servername: name }),
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert),
    });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('error', (e) => resolve(e.message));
  });
}

describe('local certificate authority', () => {
  it('creates a CA that can only sign server certificates, for local names', () => {
    const t = own(tmp());
    expect(t.localCa).toBeDefined();
    const ca = forge.pki.certificateFromPem(t.localCa!.pem);
    const x = new X509Certificate(t.localCa!.pem);
    expect(x.ca).toBe(true);
    expect(x.checkIssued(x)).toBe(true);
    expect(t.localCa!.commonName).toMatch(
      new RegExp(`^Porchlight local CA \\(${os.hostname()}\\) [0-9a-f]{6}$`),
    );
    const bc = ca.getExtension('basicConstraints') as {
      cA: boolean;
      pathLenConstraint: number;
      critical: boolean;
    };
    expect(bc).toMatchObject({ cA: true, pathLenConstraint: 0, critical: true });
    const ku = ca.getExtension('keyUsage') as Record<string, boolean>;
    expect(ku).toMatchObject({ keyCertSign: true, cRLSign: true, critical: true });
    expect(ku['digitalSignature']).toBeFalsy();
    const nc = ca.getExtension('nameConstraints') as { critical: boolean } | undefined;
    expect(nc?.critical).toBe(true);
    const years = (Date.parse(x.validTo) - Date.now()) / (365 * DAY);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
    // The fingerprint /ca shows is the one of the DER a phone installs.
    expect(t.localCa!.fingerprint256).toBe(new X509Certificate(t.localCa!.der).fingerprint256);
  });

  it('signs a server certificate a client trusting only the CA accepts for every host', async () => {
    const t = own(tmp());
    const leaf = new X509Certificate(t.cert);
    const ca = new X509Certificate(t.localCa!.pem);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // EKU serverAuth only
    for (const h of HOSTS) {
      expect(leaf.checkHost(h) ?? leaf.checkIP(h), h).toBeDefined();
    }
    // Apple refuses server certificates valid longer than 398 days.
    expect(Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)).toBeLessThanOrEqual(398 * DAY);
    expect(await handshake(t, t.localCa!.pem, 'porch.home.arpa')).toBeNull();
    expect(await handshake(t, t.localCa!.pem, 'localhost')).toBeNull();
    expect(await handshake(t, t.localCa!.pem, '127.0.0.1')).toBeNull();
    // A name the certificate was not issued for is refused.
    expect(await handshake(t, t.localCa!.pem, 'other.home.arpa')).toMatch(/altnames/i);
    // Without the CA installed, the same certificate is untrusted.
    expect(await handshake(t, ensureTestCertPem(), 'localhost')).toMatch(/unable to verify/i);
  });

  it('a leaked CA key cannot vouch for a public site (name constraints)', async () => {
    const dataDir = tmp();
    const t = own(dataDir);
    const caKey = fs.readFileSync(path.join(dataDir, 'tls', 'ca-key.pem'), 'utf8');
    const ca = { certPem: t.localCa!.pem, keyPem: caKey };
    const forged = issueServerCertificate(ca, {
      hosts: ['bank.example.com', '8.8.8.8'],
      now: Date.now(),
      validityDays: 30,
    });
    const material = { cert: forged.certPem, key: forged.keyPem };
    expect(await handshake(material, t.localCa!.pem, 'bank.example.com')).toMatch(
      /subtree violation/i,
    );
    expect(await handshake(material, t.localCa!.pem, '8.8.8.8')).toMatch(/subtree violation/i);
    // The same key signing for a local name is fine (the control).
    const local = issueServerCertificate(ca, {
      hosts: ['cam.local'],
      now: Date.now(),
      validityDays: 30,
    });
    expect(
      await handshake({ cert: local.certPem, key: local.keyPem }, t.localCa!.pem, 'cam.local'),
    ).toBeNull();
  });

  it('keeps the CA across restarts and renews the server certificate when hosts change or it nears expiry', () => {
    const dataDir = tmp();
    const first = own(dataDir);
    const again = own(dataDir);
    expect(again.cert).toBe(first.cert);
    expect(again.localCa!.pem).toBe(first.localCa!.pem);

    // A new LAN address: new server certificate, same CA (phones need not re-install).
    const moved = own(dataDir, { hosts: [...HOSTS, '10.0.0.7'] });
    expect(moved.cert).not.toBe(first.cert);
    expect(moved.localCa!.pem).toBe(first.localCa!.pem);
    expect(new X509Certificate(moved.cert).checkIP('10.0.0.7')).toBe('10.0.0.7');

    // 380 days later (inside the 30-day renewal window of a 397-day certificate): renewed.
    const later = Date.now() + 380 * DAY;
    const renewed = own(dataDir, { hosts: [...HOSTS, '10.0.0.7'], now: () => later });
    expect(renewed.cert).not.toBe(moved.cert);
    expect(renewed.localCa!.pem).toBe(first.localCa!.pem);
    expect(Date.parse(new X509Certificate(renewed.cert).validTo)).toBeGreaterThan(
      later + 390 * DAY,
    );
    expect(
      new X509Certificate(renewed.cert).verify(new X509Certificate(first.localCa!.pem).publicKey),
    ).toBe(true);

    // An expired one (short validity injected) is replaced at the next start too.
    const shortDir = tmp();
    const short = own(shortDir, { leafValidityDays: 1 });
    const next = own(shortDir, { now: () => Date.now() + 2 * DAY });
    expect(next.cert).not.toBe(short.cert);
    expect(next.localCa!.pem).toBe(short.localCa!.pem);
  });

  it('a public name the CA may not sign for makes a new CA (and says so)', () => {
    const dataDir = tmp();
    const first = own(dataDir);
    const renamed = own(dataDir, { hosts: ['porch.example.org', ...HOSTS] });
    expect(renamed.localCa!.pem).not.toBe(first.localCa!.pem);
    expect(new X509Certificate(renamed.cert).checkHost('porch.example.org')).toBe(
      'porch.example.org',
    );
    // From then on that name is covered: no further new CA.
    expect(own(dataDir, { hosts: ['porch.example.org', ...HOSTS] }).localCa!.pem).toBe(
      renamed.localCa!.pem,
    );
  });

  it('replaces an older install’s plain self-signed certificate with a CA-signed one', () => {
    const dataDir = tmp();
    const dir = path.join(dataDir, 'tls');
    fs.mkdirSync(dir, { mode: 0o700 });
    const old = selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      days: 825,
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        {
          name: 'subjectAltName',
          altNames: HOSTS.map((h) =>
            /[\d:]/.test(h[0]!) ? { type: 7, ip: h } : { type: 2, value: h },
          ),
        },
      ],
    });
    fs.writeFileSync(path.join(dir, 'cert.pem'), old.cert);
    fs.writeFileSync(path.join(dir, 'key.pem'), old.private, { mode: 0o600 });
    const t = own(dataDir);
    expect(t.cert).not.toBe(old.cert);
    expect(new X509Certificate(t.cert).checkIssued(new X509Certificate(t.localCa!.pem))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8')).toBe(t.cert);
  });

  it('keeps both private keys 0600 in a 0700 directory, fixing looser modes', () => {
    const dataDir = tmp();
    const t = own(dataDir);
    const dir = path.join(dataDir, 'tls');
    const caKey = path.join(dir, 'ca-key.pem');
    expect(mode(dir)).toBe(0o700);
    expect(mode(caKey)).toBe(0o600);
    expect(mode(t.keyFile)).toBe(0o600);
    // The certificates are public.
    expect(mode(path.join(dir, 'ca.pem'))).toBe(0o644);
    fs.chmodSync(caKey, 0o644);
    fs.chmodSync(dir, 0o755);
    expect(own(dataDir).localCa!.pem).toBe(t.localCa!.pem);
    expect(mode(caKey)).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
  });

  it('a configured certificate wins: no local CA is made', () => {
    const dataDir = tmp();
    const cert = ensureTestCert();
    const t = loadTls({ certFile: cert.certFile, keyFile: cert.keyFile, dataDir, hosts: HOSTS });
    expect(t.localCa).toBeUndefined();
    expect(t.selfSigned).toBe(false);
    expect(t.cert).toBe(fs.readFileSync(cert.certFile, 'utf8'));
    expect(fs.existsSync(path.join(dataDir, 'tls'))).toBe(false);
  });
});

function ensureTestCertPem(): string {
  return fs.readFileSync(ensureTestCert().certFile, 'utf8');
}
