import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type { BillingMonths, Saving } from '@porchlight/protocol';
import { monthOf } from '../../server/src/ops/billing/months.ts';
import { FixedUsage } from '../support/fixedUsage.ts';
import { api } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { newPage } from './helpers.ts';

/*
 * The admin's Usage & billing page against a real server. Usage comes from a FixedUsage double:
 * this spec is about the page (charts, values, editor, downloads), the meter has its own tests.
 */

const GB = 2n ** 30n;
const usage = new FixedUsage();
let ts: TestServer;
let token: string;
const last = monthOf(Date.now(), 1);
const earlier = monthOf(Date.now(), 2);

test.beforeAll(async () => {
  ts = await startTestServer({}, { usage });
  await ts.createPerson({
    email: 'billing@example.com',
    password: 'billing-password-1',
    isAdmin: true,
    siteRole: 'owner',
  });
  await ts.mintWithId('camera', { label: 'Porch' });
  usage.set({ siteId: ts.siteId }, earlier.from, {
    ingestBytes: String(400n * GB),
    consumeBytes: String(40n * GB),
    storedByteSeconds: String(100n * GB * BigInt(earlier.days) * 86_400n),
  });
  usage.set({ siteId: ts.siteId }, last.from, {
    ingestBytes: String(900n * GB),
    consumeBytes: String(120n * GB),
    hlsBytes: String(30n * GB),
    storedByteSeconds: String(250n * GB * BigInt(last.days) * 86_400n),
    activeChannels: '2',
    signalingMessages: '1800000',
  });
  usage.set({ siteId: ts.siteId }, monthOf(Date.now()).from, { consumeBytes: String(10n * GB) });
  const login = await api<{ accessToken: string }>(ts.url, 'POST', '/api/v1/auth/login', {
    body: { email: 'billing@example.com', password: 'billing-password-1' },
  });
  token = login.body.accessToken;
});
test.afterAll(async () => {
  await ts?.close();
});

/** Pixels of the chart's canvas drawn in `rgb` (the series' stroke), and drawn at all. */
async function canvasPixels(page: Page, testId: string, rgb: [number, number, number]) {
  return page
    .getByTestId(testId)
    .locator('canvas')
    .evaluate((canvas, [r, g, b]) => {
      const c = canvas as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let drawn = 0;
      let series = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 0) drawn++;
        if (
          Math.abs(data[i]! - r!) < 8 &&
          Math.abs(data[i + 1]! - g!) < 8 &&
          Math.abs(data[i + 2]! - b!) < 8
        )
          series++;
      }
      return { drawn, series };
    }, rgb);
}

const monthsFromApi = async () =>
  (
    await api<BillingMonths>(ts.url, 'GET', `/api/v1/sites/${ts.siteId}/billing/months?months=12`, {
      token,
    })
  ).body;

test('usage and cost charts per month, values equal to the API, editor errors in place, invoices', async ({
  browser,
}) => {
  const page = await newPage(browser, `${ts.url}/admin/`);
  await page.getByTestId('login-email').fill('billing@example.com');
  await page.getByTestId('login-password').fill('billing-password-1');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-billing').click();
  await expect(page.getByTestId('billing-page')).toBeVisible();

  // The charts draw: the canvas has pixels, and pixels in the series' colours.
  await expect(page.getByTestId('billing-cost-chart').locator('canvas')).toBeVisible();
  await expect
    .poll(async () => (await canvasPixels(page, 'billing-cost-chart', [0xeb, 0x57, 0x57])).series)
    .toBeGreaterThan(20);
  await expect
    .poll(async () => (await canvasPixels(page, 'billing-usage-chart', [0x2f, 0x80, 0xed])).series)
    .toBeGreaterThan(20);

  // Each month's cost on the page is the API's.
  const months = await monthsFromApi();
  const apiLast = months.months.find((m) => m.month === last.month)!;
  expect(apiLast.total).not.toBe('0.00');
  const row = page.locator(`[data-testid="billing-month-row"][data-month="${last.month}"]`);
  await expect(row.getByTestId('billing-month-total')).toHaveText(apiLast.total);
  await expect(
    page
      .locator(`[data-testid="billing-month-row"][data-month="${earlier.month}"]`)
      .getByTestId('billing-month-total'),
  ).toHaveText(months.months.find((m) => m.month === earlier.month)!.total);

  // The saving: this month's cloud cost and the box per camera-month, as the API says.
  const saving = (
    await api<Saving>(ts.url, 'GET', `/api/v1/sites/${ts.siteId}/billing/saving`, { token })
  ).body;
  await expect(page.getByTestId('saving-cloud')).toHaveText(
    `${saving.cloudCost} ${saving.currency}`,
  );
  await expect(page.getByTestId('saving-per-camera')).toContainText(
    `/ ${saving.boxPerCameraMonth} /`,
  );

  // The editor: bad values are refused in place, by the page and by the server.
  const hls = page.getByTestId('price-0-hlsPerGB');
  await hls.fill('-1');
  await page.getByTestId('price-save').click();
  const hlsCell = page.locator('td', { has: hls });
  await expect(hlsCell.getByTestId('price-error')).toHaveText('must not be negative');
  await hls.fill('lots');
  await page.getByTestId('price-save').click();
  await expect(hlsCell.getByTestId('price-error')).toHaveText(/must be a decimal number/);
  await hls.fill('0.05');
  const currency = page.getByTestId('price-0-currency');
  await currency.fill('XYZ'); // well-formed, but no such currency: the server says so
  await page.getByTestId('price-save').click();
  await expect(page.locator('td', { has: currency }).getByTestId('price-error')).toHaveText(
    /ISO 4217/,
  );
  await expect(hlsCell.getByTestId('price-error')).toHaveCount(0);
  await currency.fill('USD');
  await page.getByTestId('price-save').click();
  await expect(page.getByTestId('price-saved')).toBeVisible();
  const config = await api<{ priceLists: Record<string, { hlsPerGB: string }> }>(
    ts.url,
    'GET',
    '/api/v1/admin/billing/config',
    { token },
  );
  expect(config.body.priceLists['cloud-reference']?.hlsPerGB).toBe('0.05');
  // The months are priced again with the new HLS price, on the page as in the API.
  const repriced = (await monthsFromApi()).months.find((m) => m.month === last.month)!;
  expect(repriced.total).not.toBe(apiLast.total);
  await expect(row.getByTestId('billing-month-total')).toHaveText(repriced.total);

  // The CSV invoice downloads with the same total.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    row.getByTestId('invoice-csv').click(),
  ]);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(csv.trimEnd().split('\r\n').at(-1)).toContain(`,total,,,,${repriced.total},USD`);
  await page.close();
});
