import { createHash } from 'node:crypto';
import type { LocalCaCert } from '../tls.ts';

/** A stable UUID derived from the CA and a purpose, so a re-download replaces the same profile. */
function uuidFor(ca: LocalCaCert, purpose: string): string {
  const h = createHash('sha256').update(ca.der).update(purpose).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`.toUpperCase();
}

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * An unsigned iOS/macOS configuration profile with one root-certificate payload
 * (com.apple.security.root). iOS installs it from Settings → Profile Downloaded and shows it as
 * "Not Signed"; full trust for TLS is then a separate switch (Certificate Trust Settings).
 */
export function mobileconfig(ca: LocalCaCert): string {
  const id = `org.porchlight.ca.${ca.fingerprint256.replace(/:/g, '').slice(0, 16).toLowerCase()}`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>PayloadCertificateFileName</key>
      <string>porchlight-ca.crt</string>
      <key>PayloadContent</key>
      <data>${ca.der.toString('base64')}</data>
      <key>PayloadDescription</key>
      <string>Lets this device trust the Porchlight server on your network.</string>
      <key>PayloadDisplayName</key>
      <string>${xml(ca.commonName)}</string>
      <key>PayloadIdentifier</key>
      <string>${id}.root</string>
      <key>PayloadType</key>
      <string>com.apple.security.root</string>
      <key>PayloadUUID</key>
      <string>${uuidFor(ca, 'root')}</string>
      <key>PayloadVersion</key>
      <integer>1</integer>
    </dict>
  </array>
  <key>PayloadDescription</key>
  <string>Installs the certificate authority of your Porchlight server (it can only vouch for local names and addresses).</string>
  <key>PayloadDisplayName</key>
  <string>${xml(ca.commonName)}</string>
  <key>PayloadIdentifier</key>
  <string>${id}</string>
  <key>PayloadRemovalDisallowed</key>
  <false/>
  <key>PayloadType</key>
  <string>Configuration</string>
  <key>PayloadUUID</key>
  <string>${uuidFor(ca, 'profile')}</string>
  <key>PayloadVersion</key>
  <integer>1</integer>
</dict>
</plist>
`;
}
