import { expect, test, type Page } from '@playwright/test';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { openCamera } from './helpers.ts';

/**
 * The homeowner app on a phone (issue 11): one header row, every tap target at least 44 x 44 px,
 * camera names whole (wrapped, or their full text in the title). Screenshots land in
 * test-results/phone-*.png for a look.
 */

test.describe.configure({ mode: 'serial' });

const OWNER = { email: 'owner@example.com', password: 'owner-password-1' };
const NAME = 'Front door by the garden gate';
const MIN_TARGET = 44;

let ts: TestServer;
let camera: Page;

test.beforeAll(async ({ browser }) => {
  ts = await startTestServer();
  await ts.createPerson({ ...OWNER, siteRole: 'owner' });
  await ts.createPerson({ email: 'o2@example.com', password: OWNER.password, siteRole: 'owner' });
  const front = await ts.provisioningCode({ name: NAME });
  camera = await openCamera(browser, ts.url, front.code);
});

test.afterAll(async () => {
  await camera?.context().close();
  await ts?.close();
});

/** Visible buttons and selects smaller than a thumb, with their text and size. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate((min) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, select, a.btn')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue; // not shown
      if (r.width < min - 0.5 || r.height < min - 0.5)
        out.push(
          `${el.textContent?.trim() || el.tagName} ${r.width.toFixed(0)}x${r.height.toFixed(0)}`,
        );
    }
    return out;
  }, MIN_TARGET);
}

/** `sideways`: also require that the page does not scroll sideways. */
async function expectOneRowHeader(page: Page, sideways = true): Promise<void> {
  const header = await page.locator('header.header').boundingBox();
  expect(header).not.toBeNull();
  // One row of 44 px targets plus padding; a second row would add another 44.
  expect(header!.height).toBeLessThan(MIN_TARGET * 2);
  if (!sideways) return;
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > innerWidth);
  expect(overflow, 'the page scrolls sideways').toBe(false);
}

for (const viewport of [
  { width: 390, height: 844 },
  { width: 360, height: 740 },
]) {
  test(`phone ${viewport.width}x${viewport.height}: one header row, 44 px targets, whole names`, async ({
    browser,
  }) => {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport, hasTouch: true });
    const page = await ctx.newPage();
    try {
      await page.goto(`${ts.url}/`);
      await page.getByTestId('login-email').fill(OWNER.email);
      await page.getByTestId('login-password').fill(OWNER.password);
      await page.getByTestId('login-submit').click();
      await expect(page.getByTestId('live-video')).toHaveCount(1, { timeout: 20_000 });
      await expect(page.getByTestId('ptt')).toBeVisible();

      await expectOneRowHeader(page);
      expect(await smallTargets(page)).toEqual([]);
      // The name is shown whole (wrapped), not cut; its full text is in the title as well.
      const label = page.getByTestId('tile-label');
      await expect(label).toHaveText(NAME);
      await expect(label).toHaveAttribute('title', NAME);
      const cut = await label.evaluate(
        (el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1,
      );
      expect(cut, 'camera name cut').toBe(false);
      await page.screenshot({ path: `test-results/phone-${viewport.width}-live.png` });

      // One camera enlarged: its controls stay on screen and thumb-sized.
      await page.getByTestId('live-video').click();
      await expect(page.locator('.tile--focused')).toHaveCount(1);
      await expect(page.getByTestId('ptt')).toBeInViewport();
      expect(await smallTargets(page)).toEqual([]);
      await page.screenshot({ path: `test-results/phone-${viewport.width}-camera.png` });
      await page.goBack();
      await expect(page.locator('.tile--focused')).toHaveCount(0);

      await page.getByTestId('tab-devices').click();
      await expect(page.getByTestId('device-row')).toHaveCount(1);
      await expectOneRowHeader(page);
      expect(await smallTargets(page)).toEqual([]);
      await page.screenshot({
        path: `test-results/phone-${viewport.width}-devices.png`,
        fullPage: true,
      });

      await page.getByTestId('tab-people').click();
      await expect(page.getByTestId('grant-row').first()).toBeVisible();
      await page.screenshot({
        path: `test-results/phone-${viewport.width}-people.png`,
        fullPage: true,
      });
      await expectOneRowHeader(page);
    } finally {
      await ctx.close();
    }
  });
}
