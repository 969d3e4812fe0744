import { expect, test, type Page } from '@playwright/test';
import type { HealthSeries } from '@porchlight/protocol';
import { api } from '../support/http.ts';
import { connectRaw, type RawClient } from '../support/rawClient.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { newPage } from './helpers.ts';

let ts: TestServer;
const sockets: RawClient[] = [];
// The page polls: close it before the server, or its HTTP/2 session keeps the server's close
// waiting (also when the test fails half-way).
let adminPage: Page | undefined;

test.beforeAll(async () => {
  // Fast samples, so the charts have points within a second or two.
  ts = await startTestServer({ ops: { healthSampleIntervalMs: 500 } });
  await ts.createPerson({ email: 'ops@example.com', password: 'ops-password-1', isAdmin: true });
  // Two joined sockets: the sockets chart has something to show.
  for (let i = 0; i < 2; i++) {
    const raw = await connectRaw(ts.url, await ts.mint('viewer'));
    expect((await raw.request('join', {})).ok).toBe(true);
    sockets.push(raw);
  }
});
test.afterAll(async () => {
  await adminPage?.context().close();
  for (const s of sockets) s.close();
  await ts?.close();
});

/** Pixels of a chart's canvas close to `rgb` (its series' line), and all non-blank ones. */
async function canvasPixels(
  page: Page,
  testId: string,
  rgb: [number, number, number],
): Promise<{ painted: number; line: number }> {
  return page
    .getByTestId(testId)
    .locator('canvas')
    .evaluate((canvas, [r, g, b]) => {
      const c = canvas as HTMLCanvasElement;
      const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      let painted = 0;
      let line = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! === 0) continue;
        painted++;
        const near =
          Math.abs(data[i]! - r) < 40 &&
          Math.abs(data[i + 1]! - g) < 40 &&
          Math.abs(data[i + 2]! - b) < 40;
        if (near && data[i + 3]! > 200) line++;
      }
      return { painted, line };
    }, rgb);
}

test('an admin watches live server health charts whose figures match the API', async ({
  browser,
}) => {
  const page = await newPage(browser, `${ts.url}/admin/`);
  adminPage = page;
  await page.getByTestId('login-email').fill('ops@example.com');
  await page.getByTestId('login-password').fill('ops-password-1');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-health').click();
  await expect(page.getByTestId('admin-health')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('health-now-sockets')).toHaveText('2', { timeout: 15_000 });

  // Every chart is drawn; the sockets chart shows its line (its series colour is on the canvas).
  for (const id of ['cpu', 'bitrate', 'sockets', 'recorders', 'lag']) {
    await expect
      .poll(async () => (await canvasPixels(page, `health-chart-${id}`, [0, 0, 0])).painted)
      .toBeGreaterThan(500);
  }
  await expect
    .poll(async () => (await canvasPixels(page, 'health-chart-sockets', [42, 168, 74])).line)
    .toBeGreaterThan(20);

  // The figures are the API's sample of the same time.
  const login = await api<{ accessToken: string }>(ts.url, 'POST', '/api/v1/auth/login', {
    body: { email: 'ops@example.com', password: 'ops-password-1' },
  });
  // One read of the rendered figures: the page re-renders every sample, so separate reads
  // could mix two samples (the failure seen under load).
  const { t, shown } = await page.getByTestId('health-latest').evaluate((el) => {
    const value = (id: string) =>
      Number(el.querySelector(`[data-testid="${id}"]`)!.getAttribute('data-value'));
    return {
      t: Number(el.getAttribute('data-t')),
      shown: {
        sockets: value('health-now-sockets'),
        recorders: value('health-now-recorders'),
        lag: value('health-now-lag'),
      },
    };
  });
  const series = await api<HealthSeries>(ts.url, 'GET', '/api/v1/admin/health/series', {
    token: login.body.accessToken,
  });
  expect(series.status).toBe(200);
  const i = series.body.t.indexOf(t);
  expect(i).toBeGreaterThanOrEqual(0);
  expect(shown).toEqual({
    sockets: series.body.sockets[i],
    recorders: series.body.activeRecorders[i],
    lag: series.body.eventLoopLagMs[i],
  });
  expect(shown.sockets).toBe(2);

  // Live: a socket leaves and the page follows without a reload.
  sockets.pop()!.close();
  await expect(page.getByTestId('health-now-sockets')).toHaveText('1', { timeout: 15_000 });
});

test('the health series is for admins only', async () => {
  const viewer = await ts.mint('viewer');
  const refused = await api(ts.url, 'GET', '/api/v1/admin/health/series', { token: viewer });
  expect(refused.status).toBe(403);
  expect((await api(ts.url, 'GET', '/api/v1/admin/health/series')).status).toBe(401);
});
