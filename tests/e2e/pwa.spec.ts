import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startTestServer, type TestServer } from '../support/testServer.ts';

/**
 * The homeowner app as an installed PWA: an installable manifest with PNG icons of the declared
 * sizes, the app shell opening offline through the real service worker, private paths (/media/,
 * /api/, /admin/) never answered from its cache, and a new version offered with "Reload".
 */

test.describe.configure({ mode: 'serial' });

const HOME_DIST = path.resolve(import.meta.dirname, '../../apps/home/dist');

let ts: TestServer;
let ctx: BrowserContext;
let page: Page;

test.beforeAll(async () => {
  ts = await startTestServer();
});

test.afterAll(async () => {
  await ctx?.close();
  await ts?.close();
});

/** Width and height from a PNG's IHDR chunk; throws on anything that is not a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!bytes.subarray(0, 8).equals(signature) || bytes.toString('latin1', 12, 16) !== 'IHDR')
    throw new Error('not a PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** A fresh visit whose page the service worker has installed itself for and controls. */
async function controlledPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const p = await context.newPage();
  await p.goto(url);
  await expect(p.getByTestId('login-email')).toBeVisible();
  await expect
    .poll(() => p.evaluate(async () => (await navigator.serviceWorker.ready).active?.state))
    .toBe('activated');
  await expect.poll(() => p.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  return p;
}

test('the manifest is linked and lists 192 and 512 PNG icons and a maskable one', async ({
  browser,
}) => {
  ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  page = await ctx.newPage();
  await page.goto(`${ts.url}/`);
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBeTruthy();
  const res = await ctx.request.get(new URL(href!, ts.url).href);
  expect(res.status()).toBe(200);
  const manifest = (await res.json()) as {
    name: string;
    start_url: string;
    scope: string;
    display: string;
    icons: { src: string; sizes: string; type: string; purpose?: string }[];
  };
  expect(manifest).toMatchObject({
    name: 'Porchlight',
    start_url: '/',
    scope: '/',
    display: 'standalone',
  });
  const pngs = manifest.icons.filter((i) => i.type === 'image/png');
  const any = (size: string): boolean =>
    pngs.some((i) => i.sizes === size && (i.purpose ?? 'any').split(' ').includes('any'));
  expect(any('192x192')).toBe(true);
  expect(any('512x512')).toBe(true);
  expect(pngs.some((i) => (i.purpose ?? '').split(' ').includes('maskable'))).toBe(true);
  // Each icon is a PNG of exactly the declared size.
  for (const icon of manifest.icons) {
    const r = await ctx.request.get(new URL(icon.src, ts.url).href);
    expect(r.status(), icon.src).toBe(200);
    expect(r.headers()['content-type']).toBe('image/png');
    const { width, height } = pngSize(await r.body());
    expect(`${width}x${height}`, icon.src).toBe(icon.sizes);
  }
  // The service worker script is revalidated on every update check.
  const sw = await ctx.request.get(`${ts.url}/sw.js`);
  expect(sw.status()).toBe(200);
  expect(sw.headers()['cache-control']).toBe('no-cache');
});

test('offline, a reload still opens the app from the service worker', async ({ browser }) => {
  await ctx.close();
  page = await controlledPage(browser, `${ts.url}/`);
  ctx = page.context();
  await ctx.setOffline(true);
  const res = await page.reload();
  expect(res?.fromServiceWorker()).toBe(true);
  await expect(page.getByTestId('login-email')).toBeVisible();
  // A deep link of the app (its own URL) opens the shell too.
  await page.goto(`${ts.url}/cameras/front`);
  await expect(page.getByTestId('login-email')).toBeVisible();
});

test('recordings, the API and the admin app never come from the service worker', async () => {
  // Offline (still, from the previous test): they fail instead of getting the app shell.
  const fetched = await page.evaluate(async () => {
    try {
      const r = await fetch('/api/v1/sites', { signal: AbortSignal.timeout(10_000) });
      return `answered ${r.status}`;
    } catch (e) {
      return (e as Error).name === 'TimeoutError' ? 'no answer' : 'failed';
    }
  });
  expect(fetched).toBe('failed');
  const probe = await ctx.newPage();
  for (const p of [
    '/media/recordings/x/playlist.m3u8?sig=abc',
    '/api/v1/sites',
    '/admin/',
    '/ca',
    '/socket.io/?EIO=4&transport=polling',
  ]) {
    await expect(probe.goto(`${ts.url}${p}`), p).rejects.toThrow(/ERR_INTERNET_DISCONNECTED/);
    // Chromium's error page, not the app.
    await expect(probe).toHaveURL(/^chrome-error:/);
    await probe.waitForLoadState('load');
  }
  await probe.close();

  // Online: the server answers them itself.
  await ctx.setOffline(false);
  const api = await page.goto(`${ts.url}/api/v1/sites`);
  expect(api?.fromServiceWorker()).toBe(false);
  expect(api?.headers()['content-type']).toMatch(/^application\/json/);
  expect(api?.status()).toBe(401);
  const media = await page.goto(`${ts.url}/media/recordings/x/playlist.m3u8?sig=abc`);
  expect(media?.fromServiceWorker()).toBe(false);
  expect(media?.status()).toBe(404);
  expect(media?.headers()['content-type']).toMatch(/^application\/json/);
  const admin = await page.goto(`${ts.url}/admin/`);
  expect(admin?.fromServiceWorker()).toBe(false);
  // Nothing but the precached shell is stored.
  await page.goto(`${ts.url}/`);
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const req of await (await caches.open(name)).keys())
        urls.push(new URL(req.url).pathname);
    }
    return urls;
  });
  expect(cached).toContain('/index.html');
  expect(cached.filter((u) => /^\/(api|media|admin|socket\.io|ca)(\/|$)/.test(u))).toEqual([]);
});

test('a new version is offered with "Reload", which switches to it', async ({ browser }) => {
  // A copy of the build whose service worker the test can change, as a new deployment would.
  const appsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-pwa-'));
  fs.cpSync(HOME_DIST, path.join(appsDir, 'home', 'dist'), { recursive: true });
  const deployed = await startTestServer({}, { appsDir });
  let context: BrowserContext | undefined;
  try {
    const p = await controlledPage(browser, `${deployed.url}/`);
    context = p.context();
    await expect(p.getByTestId('update-banner')).toHaveCount(0);
    // What the hand-written service worker left behind, which the new one deletes.
    await p.evaluate(async () => {
      await (await caches.open('porchlight-shell-v3')).put('/', new Response('old shell'));
    });

    // The new version answers which version it is.
    const sw = path.join(appsDir, 'home', 'dist', 'sw.js');
    fs.appendFileSync(
      sw,
      `\nself.addEventListener('message', (e) => { if (e.data === 'version?') e.ports[0].postMessage('v2'); });\n`,
    );
    await p.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const banner = p.getByTestId('update-banner');
    await expect(banner).toContainText('A new version is available');
    // Non-blocking: the app is still usable under it.
    await expect(p.getByTestId('login-email')).toBeEditable();

    await p.evaluate(() => {
      (window as unknown as { beforeUpdate?: boolean }).beforeUpdate = true;
    });
    const reloaded = p.waitForEvent('load');
    await banner.getByRole('button', { name: 'Reload' }).click();
    // The page reloaded (the marker is gone), under the new service worker.
    await reloaded;
    expect(
      await p.evaluate(() => (window as unknown as { beforeUpdate?: boolean }).beforeUpdate),
    ).toBeUndefined();
    await expect(p.getByTestId('login-email')).toBeVisible();
    const version = await p.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = (e) => resolve(String(e.data));
          navigator.serviceWorker.controller?.postMessage('version?', [channel.port2]);
          // The old version never answers this question.
          setTimeout(() => resolve('no answer'), 5_000);
        }),
    );
    expect(version).toBe('v2');
    expect(await p.evaluate(() => caches.has('porchlight-shell-v3'))).toBe(false);
    await expect(p.getByTestId('update-banner')).toHaveCount(0);
  } finally {
    await context?.close();
    await deployed.close();
    fs.rmSync(appsDir, { recursive: true, force: true });
  }
});
