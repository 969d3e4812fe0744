import fs from 'node:fs';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import selfsigned from 'selfsigned';
import { ConfigError } from '../errors.ts';
import { Logger } from '../util/Logger.ts';

const logger = new Logger('tls');

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
 * run, regenerated when it expires or no longer covers `hosts`).
 */
export function loadTls(options: {
  certFile: string;
  keyFile: string;
  dataDir: string;
  hosts: string[];
}): TlsMaterial {
  if (options.certFile) {
    try {
      return {
        cert: fs.readFileSync(options.certFile, 'utf8'),
        key: fs.readFileSync(options.keyFile, 'utf8'),
        selfSigned: false,
        certFile: options.certFile,
        keyFile: options.keyFile,
      };
    } catch (e) {
      throw new ConfigError(`tls: cannot read cert/key: ${(e as Error).message}`);
    }
  }
  const dir = path.join(options.dataDir, 'tls');
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
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
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(keyFile, pems.private, { mode: 0o600 });
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
