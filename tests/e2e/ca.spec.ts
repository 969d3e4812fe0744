import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, request, test, type Browser } from '@playwright/test';
import { chromiumArgs } from '../../playwright.config.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';

/**
 * Why the local CA exists: a browser that trusts it (the CA imported into the NSS database
 * Chromium on Linux reads, exactly as /ca tells a Linux user) gets a secure context and a
 * service worker; the same app after only clicking through the warning gets none, and shows a
 * hint linking to /ca. The server runs on its own CA (no configured certificate).
 */

test.describe.configure({ mode: 'serial' });

let ts: TestServer;
let home: string;
let trusting: Browser | undefined;

test.beforeAll(async () => {
  ts = await startTestServer({ tls: { certFile: '', keyFile: '' } });
  // A fresh user profile whose NSS database trusts the downloaded CA for websites (C,,).
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-nss-'));
  const db = path.join(home, '.pki', 'nssdb');
  fs.mkdirSync(db, { recursive: true });
  const crt = path.join(home, 'porchlight-ca.crt');
  const res = await fetchCa(`${ts.url}/ca/porchlight-ca.crt`);
  fs.writeFileSync(crt, res);
  execFileSync('certutil', ['-d', `sql:${db}`, '-N', '--empty-password']);
  execFileSync('certutil', ['-d', `sql:${db}`, '-A', '-t', 'C,,', '-n', 'porchlight', '-i', crt]);
});

test.afterAll(async () => {
  await trusting?.close();
  await ts?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

/** The CA as a phone downloads it: over the connection it does not trust yet. */
async function fetchCa(url: string): Promise<Buffer> {
  const ctx = await request.newContext({ ignoreHTTPSErrors: true });
  try {
    const r = await ctx.get(url);
    expect(r.headers()['content-type']).toBe('application/x-x509-ca-cert');
    return await r.body();
  } finally {
    await ctx.dispose();
  }
}

// Every flag except the test certificate's pin: trust must come from the installed CA alone.
const argsWithoutPin = chromiumArgs.filter((a) => !a.startsWith('--ignore-certificate-errors'));

test('a browser that trusts the CA gets a secure context and a service worker', async () => {
  trusting = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: argsWithoutPin,
    env: { ...process.env, HOME: home },
  });
  const ctx = await trusting.newContext({ ignoreHTTPSErrors: false });
  const page = await ctx.newPage();
  // No certificate error: the navigation would throw net::ERR_CERT_AUTHORITY_INVALID.
  await page.goto(`${ts.url}/`);
  await expect(page.getByTestId('login-email')).toBeVisible();
  expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
  await expect
    .poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state))
    .toBe('activated');
  await expect(page.getByTestId('trust-hint')).toHaveCount(0);
  // The /ca page shows the fingerprint a user compares with the start-up output.
  await page.goto(`${ts.url}/ca`);
  await expect(page.getByTestId('ca-fingerprint')).toHaveText(ts.server.localCa!.fingerprint256);
  await ctx.close();
});

test('the same browser without the CA refuses the server (the control)', async () => {
  const plain = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: argsWithoutPin,
  });
  try {
    const page = await (await plain.newContext({ ignoreHTTPSErrors: false })).newPage();
    await expect(page.goto(`${ts.url}/`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
  } finally {
    await plain.close();
  }
});

test('after only clicking through the warning: no service worker, and a hint linking to /ca', async ({
  browser,
}) => {
  // The suite's browser pins only the test certificate's key, not this server's.
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await ctx.newPage();
  await page.goto(`${ts.url}/`);
  await expect(page.getByTestId('login-email')).toBeVisible();
  const hint = page.getByTestId('trust-hint');
  await expect(hint).toBeVisible();
  // The page itself counts as a secure context; the hint comes from the rejected registration
  // ("An SSL certificate error occurred when fetching the script"): nothing is registered.
  expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
  expect(
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length),
  ).toBe(0);
  expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
  await hint.getByRole('link', { name: 'Install the certificate' }).click();
  await expect(page).toHaveURL(`${ts.url}/ca`);
  await expect(page.getByTestId('ca-fingerprint')).toHaveText(ts.server.localCa!.fingerprint256);
  await ctx.close();
});
