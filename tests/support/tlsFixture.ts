import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import selfsigned from 'selfsigned';
import { FIXTURE_DIR } from './fixtures.ts';

export interface TestCert {
  certFile: string;
  keyFile: string;
  /** base64(sha256(SubjectPublicKeyInfo)): what Chromium's --ignore-certificate-errors-spki-list takes. */
  spki: string;
}

/**
 * One self-signed certificate for 127.0.0.1/localhost shared by every test server (HTTPS and
 * `turns:`), generated once. Browsers are told to trust its key by SPKI hash, which is how a
 * real client pins a self-signed TURN/TLS endpoint.
 */
export function ensureTestCert(): TestCert {
  const certFile = path.join(FIXTURE_DIR, 'test-cert.pem');
  const keyFile = path.join(FIXTURE_DIR, 'test-key.pem');
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) {
    fs.mkdirSync(FIXTURE_DIR, { recursive: true });
    const pems = selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
      days: 3650,
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'localhost' },
          ],
        },
      ],
    });
    const tmp = `${certFile}.${process.pid}`;
    fs.writeFileSync(`${keyFile}.${process.pid}`, pems.private, { mode: 0o600 });
    fs.writeFileSync(tmp, pems.cert);
    fs.renameSync(`${keyFile}.${process.pid}`, keyFile);
    fs.renameSync(tmp, certFile);
  }
  const der = new X509Certificate(fs.readFileSync(certFile)).publicKey.export({
    type: 'spki',
    format: 'der',
  });
  return { certFile, keyFile, spki: createHash('sha256').update(der).digest('base64') };
}
