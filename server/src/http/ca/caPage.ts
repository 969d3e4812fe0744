import type { LocalCaCert } from '../tls.ts';

const html = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// Inline style only (the server's CSP allows inline styles, no scripts): the page has no script.
const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1rem;max-width:40rem;margin-inline:auto;color:#1d1d1f;background:#fafafa}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}
code,.fp{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all}
.fp{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5rem;display:block}
.dl a{display:block;padding:.75rem 1rem;margin:.5rem 0;border-radius:8px;background:#1f6feb;color:#fff;text-decoration:none;text-align:center}
.dl a.alt{background:#fff;color:#1f6feb;border:1px solid #1f6feb}
details{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.5rem 1rem;margin:.5rem 0}
summary{font-weight:600;cursor:pointer}li{margin:.3rem 0}
@media (prefers-color-scheme:dark){body{background:#111;color:#eee}.fp,details,.dl a.alt{background:#1b1b1b;border-color:#333}}
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${html(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`;
}

/** The page when a configured (real) certificate is in use: nothing to install. */
export function realCertificatePage(): string {
  return page(
    'Porchlight certificate',
    `<h1>This server uses a real certificate</h1>
<p data-testid="ca-real-cert">Its operator configured a certificate (<code>PORCHLIGHT_TLS_CERT</code>),
so there is no local certificate authority to install. If your browser shows no warning on this
server, everything is set.</p>
<p><a href="/">Open Porchlight</a></p>`,
  );
}

/**
 * How to install and trust the local CA, per platform. Served without login: it only shows the
 * CA's public certificate and its fingerprint.
 */
export function localCaPage(ca: LocalCaCert): string {
  return page(
    'Trust this Porchlight server',
    `<h1>Trust this Porchlight server</h1>
<p>Porchlight made its own certificate authority (CA) for your network. Until this device trusts
it, the browser warns about the certificate, and even after you click through, the app cannot
install itself, receive doorbell notifications or work offline (browsers keep those for trusted
connections). Install the CA once per device; it keeps working when the server renews its
certificate.</p>
<p>This CA can only vouch for local names and addresses (<code>localhost</code>, <code>.local</code>,
private IP ranges and this server's own name), not for other websites.</p>
<h2>1. Check the fingerprint</h2>
<p>Your device shows it before or after installing (SHA-256). It must be exactly:</p>
<code class="fp" data-testid="ca-fingerprint">${html(ca.fingerprint256)}</code>
<p>Name: <code data-testid="ca-name">${html(ca.commonName)}</code>, valid until
${html(ca.validTo.toISOString().slice(0, 10))}.</p>
<h2>2. Download</h2>
<div class="dl">
<a href="/ca/porchlight-ca.crt" download data-testid="ca-download-crt">Android, Windows, Linux, Firefox: porchlight-ca.crt</a>
<a href="/ca/porchlight-ca.mobileconfig" data-testid="ca-download-mobileconfig">iPhone, iPad, Mac: profile</a>
<a class="alt" href="/ca/porchlight-ca.pem" download>PEM (porchlight-ca.pem)</a>
</div>
<h2>3. Install and trust</h2>
<details open><summary>Android</summary><ol>
<li>Download <code>porchlight-ca.crt</code> above.</li>
<li>Open <b>Settings → Security (and privacy) → More security settings → Encryption &amp; credentials
→ Install a certificate → CA certificate</b> (the menu names differ a little between makers; search
Settings for "CA certificate").</li>
<li>Tap <b>Install anyway</b>, pick <code>porchlight-ca.crt</code> from Downloads, confirm with your
screen lock.</li>
<li>Reopen Porchlight in Chrome: no warning any more.</li></ol></details>
<details open><summary>iPhone and iPad</summary><ol>
<li>Open this page in <b>Safari</b> and tap the profile download above; allow it.</li>
<li>Open <b>Settings → Profile Downloaded</b> (or General → VPN &amp; Device Management), tap the
Porchlight profile, <b>Install</b> and enter your passcode. It says "Not Signed": that is expected.</li>
<li>Then <b>Settings → General → About → Certificate Trust Settings</b> and switch on full trust for
<i>${html(ca.commonName)}</i>. Without this step Safari still warns.</li></ol></details>
<details><summary>Mac</summary><ol>
<li>Download the profile (or <code>porchlight-ca.crt</code>) and open it; System Settings → Privacy
&amp; Security → Profiles → Install. For the <code>.crt</code>: Keychain Access imports it into
<b>System</b>.</li>
<li>In Keychain Access, double-click the certificate → Trust →
<b>When using this certificate: Always Trust</b>.</li></ol></details>
<details><summary>Windows (Chrome, Edge)</summary><ol>
<li>Download <code>porchlight-ca.crt</code> and open it → <b>Install Certificate</b> → Current User →
<b>Place all certificates in the following store → Trusted Root Certification Authorities</b>.
(Or run <code>certmgr.msc</code> → Trusted Root Certification Authorities → All Tasks → Import.)</li>
<li>Restart the browser.</li></ol></details>
<details><summary>Linux (Chrome, Chromium)</summary><ol>
<li><code>certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n porchlight -i porchlight-ca.crt</code>
(package <code>libnss3-tools</code>), or Chrome Settings → Privacy and security → Security →
Manage certificates → Authorities → Import, tick "Trust this certificate for identifying websites".</li>
<li>Restart the browser.</li></ol></details>
<details><summary>Firefox (any desktop)</summary><ol>
<li>Settings → Privacy &amp; Security → Certificates → <b>View Certificates → Authorities → Import</b>,
pick <code>porchlight-ca.crt</code>, tick "Trust this CA to identify websites".</li>
<li>Or, once the CA is trusted by Windows/macOS, set <code>security.enterprise_roots.enabled</code> to
true in <code>about:config</code>.</li></ol></details>
<p><a href="/">Open Porchlight</a></p>`,
  );
}
