import fs from 'node:fs';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import selfsigned from 'selfsigned';
import { ConfigError } from '../errors.ts';
import {
  PRIVATE_FILE_MODE,
  ensurePrivateDir,
  refuseSharedSecretFile,
  tightenMode,
} from '../secrets.ts';
import { createLogger } from '@porchlight/runtime';

const logger = createLogger('tls');

export interface TlsMaterial {
  cert: string;
  key: string;
  /** True when we generated it (browsers will warn once). */
  selfSigned: boolean;
  certFile: string;
  keyFile: string;
}

/**
 * Returns the configured cert/key, or a self-signed cert kept in `dataDir/tls` (generated on first
 * run, regenerated when it expires or no longer covers `hosts`). A configured key that group or
 * others can access is refused; our own key is kept 0600 in a 0700 directory (fixed if looser).
 */
export function loadTls(options: {
  certFile: string;
  keyFile: string;
  dataDir: string;
  hosts: string[];
}): TlsMaterial {
  if (options.certFile) {
    try {
      refuseSharedSecretFile(options.keyFile, 'tls: key file');
      return {
        cert: fs.readFileSync(options.certFile, 'utf8'),
        key: fs.readFileSync(options.keyFile, 'utf8'),
        selfSigned: false,
        certFile: options.certFile,
        keyFile: options.keyFile,
      };
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError(`tls: cannot read cert/key: ${(e as Error).message}`);
    }
  }
  const dir = path.join(options.dataDir, 'tls');
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  ensurePrivateDir(dir);
  tightenMode(keyFile, 'file');
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    const cert = fs.readFileSync(certFile, 'utf8');
    if (stillGood(cert, options.hosts)) {
      return { cert, key: fs.readFileSync(keyFile, 'utf8'), selfSigned: true, certFile, keyFile };
    }
  }
  logger.info('generating self-signed certificate', { hosts: options.hosts });
  const altNames = options.hosts.map((h) =>
    /^[\d.]+$/.test(h) || h.includes(':') ? { type: 7, ip: h } : { type: 2, value: h },
  );
  const pems = selfsigned.generate(
    [{ name: 'commonName', value: options.hosts[0] ?? 'localhost' }],
    {
      days: 825,
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ],
    },
  );
  fs.writeFileSync(keyFile, pems.private, { mode: PRIVATE_FILE_MODE });
  fs.writeFileSync(certFile, pems.cert, { mode: 0o644 });
  return { cert: pems.cert, key: pems.private, selfSigned: true, certFile, keyFile };
}

function stillGood(pem: string, hosts: string[]): boolean {
  try {
    const x = new X509Certificate(pem);
    if (new Date(x.validTo).getTime() < Date.now() + 7 * 24 * 3600 * 1000) return false;
    return hosts.every((h) => x.checkHost(h) !== undefined || x.checkIP(h) !== undefined);
  } catch {
    return false;
  }
}
