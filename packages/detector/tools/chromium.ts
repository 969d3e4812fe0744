/**
 * Headless Debian Chromium as the project runs it (playwright.config.ts, docs/testing.md): never a
 * downloaded browser. No fake camera flags: the CLI feeds frames itself.
 */
export const CHROMIUM_PATH = process.env['PORCHLIGHT_CHROMIUM'] ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
