import net from 'node:net';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import {
  NAME_CONSTRAINTS_OID,
  nameConstraintsDer,
  type PermittedNames,
} from './nameConstraints.ts';

const DAY_MS = 24 * 3600 * 1000;
/** Back-dated by this much so a phone whose clock runs a little behind accepts a fresh cert. */
const BACKDATE_MS = 3600 * 1000;

export interface PemPair {
  certPem: string;
  keyPem: string;
}

/** RSA 2048: node-forge signs with RSA only, and every phone accepts it. */
function newKeyPair(): {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
} {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

/** A positive 128-bit serial (the top bit cleared keeps the DER integer positive). */
function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

function validity(cert: forge.pki.Certificate, now: number, days: number): void {
  cert.validity.notBefore = new Date(now - BACKDATE_MS);
  cert.validity.notAfter = new Date(now + days * DAY_MS);
}

/**
 * A root CA that may only sign server certificates directly (pathlen 0) and only for the
 * permitted names (critical nameConstraints, RFC 5280 4.2.1.10).
 */
export function createCaCertificate(o: {
  commonName: string;
  permitted: PermittedNames;
  now: number;
  validityDays: number;
}): PemPair {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, o.now, o.validityDays);
  const subject = [
    { name: 'commonName', value: o.commonName },
    { name: 'organizationName', value: 'Porchlight' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    { id: NAME_CONSTRAINTS_OID, critical: true, value: nameConstraintsDer(o.permitted) },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: forge.pki.privateKeyToPem(keys.privateKey),
  };
}

/** A server certificate for `hosts` (DNS names and IP literals) signed by the CA. */
export function issueServerCertificate(
  ca: PemPair,
  o: { hosts: string[]; now: number; validityDays: number },
): PemPair {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, o.now, o.validityDays);
  cert.setSubject([{ name: 'commonName', value: o.hosts[0] ?? 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = o.hosts.map((h) => (net.isIP(h) ? { type: 7, ip: h } : { type: 2, value: h }));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: forge.pki.privateKeyToPem(keys.privateKey),
  };
}
