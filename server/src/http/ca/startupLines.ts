import QRCode from 'qrcode';
import type { LocalCaCert } from '../tls.ts';

/**
 * What the start-up output says about trusting the server: with the local CA, the /ca URL, the
 * CA's fingerprint and (on a terminal) a QR code of the URL for a phone's camera.
 */
export async function trustLines(
  server: { url: string; localCa: LocalCaCert | undefined },
  isTty: boolean = process.stdout.isTTY === true,
): Promise<string[]> {
  if (!server.localCa) return ['TLS: using the configured certificate.'];
  const url = `${server.url}/ca`;
  const lines = [
    'Trust this server once per device (phones need it for the app, notifications and offline):',
    `  ${url}   (accept the browser warning to open it)`,
    `  CA fingerprint (SHA-256): ${server.localCa.fingerprint256}`,
  ];
  if (isTty) {
    const qr = await QRCode.toString(url, { type: 'terminal', small: true });
    lines.push(
      '',
      ...qr
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  return lines;
}
