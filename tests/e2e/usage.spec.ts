import { expect, test } from '@playwright/test';
import { PorchlightApi, PorchlightClient } from '@porchlight/sdk';
import type { DeviceUsageRow } from '@porchlight/sdk/rest';
import '../support/http.ts'; // the SDK's fetch accepts the test server's self-signed certificate
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { installWrtcGlobals, syntheticCamera, YUV } from '../support/wrtc.ts';
import { newPage } from './helpers.ts';

const FIRMWARE = 'porch-cam/2.4.1';
let ts: TestServer;
let admin: PorchlightApi;

test.beforeAll(async () => {
  ts = await startTestServer({
    recording: { defaultMode: 'continuous' },
    usage: { sampleIntervalMs: 200, flushIntervalMs: 500 },
  });
  await ts.createPerson({
    email: 'root@example.com',
    password: 'root-password-1',
    isAdmin: true,
    siteRole: 'owner',
  });
  const anonymous = new PorchlightApi({ url: ts.url });
  const session = await anonymous.login('root@example.com', 'root-password-1');
  admin = anonymous.withToken(() => session.accessToken);
});
test.afterAll(async () => {
  await ts?.close();
});

/** The same reading twice in a row, so the page and the API see one state. */
async function settled<T>(read: () => Promise<T>): Promise<T> {
  let previous = JSON.stringify(await read());
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000)); // poll interval of a condition, not a wait
    const value = await read();
    if (JSON.stringify(value) === previous) return value;
    previous = JSON.stringify(value);
  }
}

test('the device table shows firmware, storage and usage as the API reports them', async ({
  browser,
}) => {
  // A camera reporting its firmware streams until a few segments are stored, then goes away.
  installWrtcGlobals();
  const { token, id } = await ts.mintWithId('camera', { label: 'Porch' });
  const camera = new PorchlightClient({
    url: ts.url,
    token,
    firmware: FIRMWARE,
    device: { handlerName: 'Chrome111' },
    socketOptions: { rejectUnauthorized: false },
  });
  await camera.connect();
  const source = syntheticCamera(320, 240, YUV.red);
  await camera.publish(source.track, { source: 'camera', simulcast: false });
  const row = async (): Promise<DeviceUsageRow | undefined> =>
    (await admin.listDeviceUsage(ts.siteId)).find((d) => d.id === id);
  await expect
    .poll(async () => (await row())?.storage?.segments ?? 0, { timeout: 60_000 })
    .toBeGreaterThanOrEqual(3);
  source.stop();
  camera.close();
  await expect.poll(async () => (await row())?.online, { timeout: 30_000 }).toBe(false);

  const month = (): { from: number; to: number } => {
    const d = new Date();
    return {
      from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
      to: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
    };
  };
  const api = await settled(async () => ({
    device: await row(),
    ingest: (await admin.getSiteUsage(ts.siteId, { ...month(), granularity: 'month' })).totals
      .ingestBytes,
  }));
  expect(BigInt(api.ingest)).toBeGreaterThan(0n);

  const page = await newPage(browser, `${ts.url}/admin/`);
  await page.getByTestId('login-email').fill('root@example.com');
  await page.getByTestId('login-password').fill('root-password-1');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-sites').click();
  await page
    .locator(`[data-testid="admin-site-row"][data-site-id="${ts.siteId}"]`)
    .getByTestId('site-open')
    .click();

  const shown = page.locator(`[data-testid="ops-device-row"][data-device-id="${id}"]`);
  await expect(shown.getByTestId('ops-firmware')).toContainText(FIRMWARE);
  await expect(shown.getByTestId('ops-online')).toContainText('offline');
  await expect(shown.getByTestId('ops-segments')).toHaveText(String(api.device?.storage?.segments));
  await expect(shown.getByTestId('ops-stored')).toHaveAttribute(
    'data-bytes',
    String(api.device?.storage?.storedBytes),
  );
  await expect(page.getByTestId('ops-usage-ingestBytes')).toHaveAttribute('data-value', api.ingest);
  await expect(page.getByTestId('ops-usage-activeChannels')).toHaveAttribute('data-value', '1');
});
