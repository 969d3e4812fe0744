import { expect, test } from '@playwright/test';
import { startGstRtsp, type GstRtspServer } from '../support/gstRtsp.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { expectVideoAdvancing } from './helpers.ts';

const USER = 'admin';
const PASSWORD = 'Porch-Gate-pw!7x';
const PHONE = { width: 390, height: 844 };

let ts: TestServer;
let gst: GstRtspServer;

test.beforeAll(async () => {
  ts = await startTestServer({
    recording: { defaultMode: 'continuous' },
    ingest: { rtmp: { enabled: true, port: 0, bindAddress: '127.0.0.1' } },
  });
  await ts.createPerson({
    email: 'owner@example.com',
    password: 'owner-password-1',
    siteId: ts.siteId,
    siteRole: 'owner',
  });
  gst = await startGstRtsp({ user: USER, password: PASSWORD });
});
test.afterAll(async () => {
  await ts?.close();
  await gst?.stop();
});

test('an owner on a phone adds an RTSP camera by URL (Test, then Save), watches it live, and makes an RTMP stream key', async ({
  browser,
}, testInfo) => {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: PHONE });
  const page = await ctx.newPage();
  await page.goto(`${ts.url}/`);
  await page.getByTestId('login-email').fill('owner@example.com');
  await page.getByTestId('login-password').fill('owner-password-1');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('connection-state')).toHaveText('connected', { timeout: 20_000 });
  await page.goto(`${ts.url}/devices`);

  await page.getByTestId('add-rtsp').click();
  await page.getByTestId('rtsp-name').fill('Driveway');
  // Pasted whole, credentials and all: the form splits them off the URL.
  await page
    .getByTestId('rtsp-url')
    .fill(`rtsp://${USER}:wrong-password@127.0.0.1:${gst.port}/cam`);
  await expect(page.getByTestId('rtsp-url')).toHaveValue(gst.url);
  await expect(page.getByTestId('rtsp-user')).toHaveValue(USER);
  await page.getByTestId('rtsp-test').click();
  const probe = page.getByTestId('rtsp-probe');
  await expect(probe).toHaveAttribute('data-ok', 'false', { timeout: 20_000 });
  await expect(probe).toContainText('refused the user name or password');

  await page.getByTestId('rtsp-password').fill(PASSWORD);
  await page.getByTestId('rtsp-test').click();
  await expect(probe).toHaveAttribute('data-ok', 'true', { timeout: 20_000 });
  await expect(probe).toContainText('H264 640x360');
  await page.getByTestId('rtsp-save').click();

  const source = page.locator('[data-testid="ingest-source"][data-kind="rtsp"]');
  await expect(source.getByTestId('ingest-status')).toHaveAttribute('data-state', 'online', {
    timeout: 30_000,
  });
  await expect(source).not.toContainText(PASSWORD);
  // Its row in the device list offers no credential to rotate (nobody signs in as it).
  await expect(page.getByTestId('device-rotate')).toHaveCount(0);

  await page.getByTestId('add-rtmp').click();
  await page.getByTestId('rtmp-name').fill('Shop NVR');
  await page.getByTestId('rtmp-create').click();
  await expect(page.getByTestId('rtmp-url')).toContainText(
    `rtmp://127.0.0.1:${ts.server.ingest.rtmpPort}/live/`,
  );
  await expect(page.getByTestId('rtmp-url')).toContainText('?key=');
  // Nothing on the page is wider than the phone.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(overflow).toBeLessThanOrEqual(PHONE.width);
  await page.screenshot({ path: testInfo.outputPath('devices-390.png'), fullPage: true });

  // The live view decodes the RTSP camera's H264 in Chromium.
  await page.goto(`${ts.url}/`);
  await expectVideoAdvancing(page, undefined, 30_000);
  await ctx.close();
});
