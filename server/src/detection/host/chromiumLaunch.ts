import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';

/**
 * Flags of the detector host's Chromium (docs/detection.md "Detection on the server"): headless,
 * the set measured to work for WebRTC as root (platform facts), timers never throttled (the page
 * is never visible), and the server's own certificate pinned by its public key, so the page
 * loads over HTTPS without trusting anything else. Nothing secret is on this command line.
 */
export function detectorHostArgs(o: { certFile: string; root: boolean }): string[] {
  return [
    '--headless',
    ...(o.root ? ['--no-sandbox'] : []),
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--disable-extensions',
    // No crash handler: it would run outside the browser's process group and outlive it.
    '--disable-breakpad',
    '--disable-crash-reporter',
    '--mute-audio',
    '--autoplay-policy=no-user-gesture-required',
    '--allow-loopback-in-peer-connection',
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
    `--ignore-certificate-errors-spki-list=${spkiPin(o.certFile)}`,
  ];
}

/** base64 SHA-256 of the certificate's SubjectPublicKeyInfo (Chromium's pin format). */
export function spkiPin(certFile: string): string {
  const cert = new X509Certificate(fs.readFileSync(certFile));
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** The origin the page loads from: loopback when the server listens on every interface. */
export function loopbackOrigin(listenHost: string, port: number): string {
  if (listenHost === '0.0.0.0' || listenHost === '' || listenHost === '127.0.0.1')
    return `https://127.0.0.1:${port}`;
  if (listenHost === '::' || listenHost === '::1') return `https://[::1]:${port}`;
  return `https://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${port}`;
}
