import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { ConfigError } from '../errors.ts';
import {
  PRIVATE_FILE_MODE,
  ensurePrivateDir,
  refuseSharedSecretFile,
  tightenMode,
} from '../secrets.ts';
import { createLogger } from '@porchlight/runtime';
import { createCaCertificate, issueServerCertificate, type PemPair } from './ca/certificates.ts';
import { permits, permittedFor, readNameConstraints } from './ca/nameConstraints.ts';

const logger = createLogger('tls');
const DAY_MS = 24 * 3600 * 1000;

/** The local CA's public certificate: what /ca offers for download. */
export interface LocalCaCert {
  pem: string;
  der: Buffer;
  /** SHA-256 of the DER, colon-separated hex (what phones and browsers display). */
  fingerprint256: string;
  commonName: string;
  validTo: Date;
}

export interface TlsMaterial {
  cert: string;
  key: string;
  /** True when we generated it (signed by our local CA) rather than it being configured. */
  selfSigned: boolean;
  certFile: string;
  keyFile: string;
  /** The CA that signed `cert`; undefined when a configured certificate is in use. */
  localCa: LocalCaCert | undefined;
}

export interface LoadTlsOptions {
  /** Configured PEM chain and key; both empty = use the local CA. */
  certFile: string;
  keyFile: string;
  dataDir: string;
  /** Every name and address clients use to reach the server; the server cert covers all. */
  hosts: string[];
  /** Clock (default Date.now); injected by tests. */
  now?: () => number;
  /** Server certificate lifetime (default 397 days: Apple refuses longer ones). */
  leafValidityDays?: number;
  /** Local CA lifetime (default 3650 days: phones install it once). */
  caValidityDays?: number;
  /** Renew a certificate this long before it expires (default 30 days). */
  renewBeforeDays?: number;
}

/**
 * Returns the configured cert/key, or a server certificate signed by a local CA kept in
 * `dataDir/tls` (both generated on first run). Devices that install and trust the CA (the /ca
 * page) get a real secure context, which a clicked-through warning does not give (no service
 * worker, so no push). The server certificate is renewed when it nears expiry or no longer covers
 * `hosts`; the CA is kept, so phones install it once. A configured key that group or others can
 * access is refused; our own keys are kept 0600 in a 0700 directory (fixed if looser).
 */
export function loadTls(options: LoadTlsOptions): TlsMaterial {
  if (options.certFile) {
    try {
      refuseSharedSecretFile(options.keyFile, 'tls: key file');
      return {
        cert: fs.readFileSync(options.certFile, 'utf8'),
        key: fs.readFileSync(options.keyFile, 'utf8'),
        selfSigned: false,
        certFile: options.certFile,
        keyFile: options.keyFile,
        localCa: undefined,
      };
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError(`tls: cannot read cert/key: ${(e as Error).message}`);
    }
  }
  const now = (options.now ?? Date.now)();
  const renewBeforeMs = (options.renewBeforeDays ?? 30) * DAY_MS;
  const dir = path.join(options.dataDir, 'tls');
  const files = {
    caCert: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca-key.pem'),
    cert: path.join(dir, 'cert.pem'),
    key: path.join(dir, 'key.pem'),
  };
  ensurePrivateDir(dir);
  tightenMode(files.key, 'file');
  tightenMode(files.caKey, 'file');

  let ca = readPair(files.caCert, files.caKey);
  if (!ca || !caStillGood(ca.certPem, options.hosts, now + renewBeforeMs)) {
    if (ca) {
      logger.warn(
        'local CA expires soon or cannot sign for these hosts: creating a new one; ' +
          'devices must install it again from /ca',
        { hosts: options.hosts },
      );
    } else {
      logger.info('creating the local certificate authority');
    }
    ca = createCaCertificate({
      commonName: `Porchlight local CA (${os.hostname()}) ${randomBytes(3).toString('hex')}`,
      permitted: permittedFor(options.hosts),
      now,
      validityDays: options.caValidityDays ?? 3650,
    });
    writePair(ca, files.caCert, files.caKey);
  }

  let leaf = readPair(files.cert, files.key);
  if (!leaf || !leafStillGood(leaf, ca.certPem, options.hosts, now + renewBeforeMs)) {
    logger.info('issuing the server certificate from the local CA', { hosts: options.hosts });
    leaf = issueServerCertificate(ca, {
      hosts: options.hosts,
      now,
      validityDays: options.leafValidityDays ?? 397,
    });
    writePair(leaf, files.cert, files.key);
  }
  return {
    cert: leaf.certPem,
    key: leaf.keyPem,
    selfSigned: true,
    certFile: files.cert,
    keyFile: files.key,
    localCa: describeCa(ca.certPem),
  };
}

function describeCa(pem: string): LocalCaCert {
  const x = new X509Certificate(pem);
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1] ?? 'Porchlight local CA';
  return {
    pem,
    der: x.raw,
    fingerprint256: x.fingerprint256,
    commonName: cn,
    validTo: new Date(x.validTo),
  };
}

function readPair(certFile: string, keyFile: string): PemPair | undefined {
  try {
    return { certPem: fs.readFileSync(certFile, 'utf8'), keyPem: fs.readFileSync(keyFile, 'utf8') };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Key first (owner-only), then the certificate: a crash in between leaves a mismatch we detect. */
function writePair(pair: PemPair, certFile: string, keyFile: string): void {
  fs.writeFileSync(keyFile, pair.keyPem, { mode: PRIVATE_FILE_MODE });
  // writeFileSync keeps the mode of a file that already existed.
  fs.chmodSync(keyFile, PRIVATE_FILE_MODE);
  fs.writeFileSync(certFile, pair.certPem, { mode: 0o644 });
}

function caStillGood(pem: string, hosts: string[], renewAt: number): boolean {
  try {
    const x = new X509Certificate(pem);
    if (!x.ca || new Date(x.validTo).getTime() < renewAt) return false;
    const permitted = readNameConstraints(forge.pki.certificateFromPem(pem));
    // A CA of ours without name constraints (none were ever made) would be replaced too.
    return permitted !== undefined && hosts.every((h) => permits(permitted, h));
  } catch {
    return false;
  }
}

function leafStillGood(leaf: PemPair, caPem: string, hosts: string[], renewAt: number): boolean {
  try {
    const x = new X509Certificate(leaf.certPem);
    const ca = new X509Certificate(caPem);
    // An older install's plain self-signed certificate fails here and is replaced.
    if (!x.checkIssued(ca) || !x.verify(ca.publicKey)) return false;
    if (!x.checkPrivateKey(createPrivateKey(leaf.keyPem))) return false;
    if (new Date(x.validTo).getTime() < renewAt) return false;
    return hosts.every((h) => x.checkHost(h) !== undefined || x.checkIP(h) !== undefined);
  } catch {
    return false;
  }
}
