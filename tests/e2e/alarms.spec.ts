import { expect, test } from '@playwright/test';
import type { AlarmView } from '@porchlight/protocol';
import { api } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { newPage } from './helpers.ts';

let ts: TestServer;
let token: string;

test.beforeAll(async () => {
  ts = await startTestServer({ alarms: { enabled: true, tickMs: 200 } });
  await ts.createPerson({
    email: 'root@example.com',
    password: 'root-password-1',
    isAdmin: true,
    siteRole: 'owner',
  });
  token = (
    await api<{ accessToken: string }>(ts.url, 'POST', '/api/v1/auth/login', {
      body: { email: 'root@example.com', password: 'root-password-1' },
    })
  ).body.accessToken;
});
test.afterAll(async () => {
  await ts?.close();
});

test('a killed media worker shows as ALARM on the Alarms page (and to the owner at home); acknowledge and edit work', async ({
  browser,
}) => {
  const base = `/api/v1/sites/${ts.siteId}/alarms`;
  const list = async (): Promise<AlarmView[]> =>
    (await api<{ alarms: AlarmView[] }>(ts.url, 'GET', base, { token })).body.alarms;
  const rule = (await list()).find((a) => a.kind === 'worker-restarts')!;
  // Evaluated every second; one death in the last hour is an alarm.
  const tuned = await api(ts.url, 'PATCH', `${base}/${rule.id}`, {
    token,
    body: { threshold: 0, periodSeconds: 1, datapointsToAlarm: 1, evaluationPeriods: 1 },
  });
  expect(tuned.status).toBe(200);

  const page = await newPage(browser, `${ts.url}/admin/`);
  await page.getByTestId('login-email').fill('root@example.com');
  await page.getByTestId('login-password').fill('root-password-1');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-alarms').click();
  const row = page.getByTestId(`alarm-${rule.id}`);
  await expect(row.getByTestId('alarm-state')).toHaveText('OK', { timeout: 15_000 });

  // The real cause: the media worker dies (SIGKILL); the pool starts a new one.
  const { pool } = ts.server;
  const respawned = new Promise((resolve) => pool.once('workerRespawned', resolve));
  process.kill(pool.slots[0]!.worker.pid, 'SIGKILL');
  await respawned;
  await expect(row.getByTestId('alarm-state')).toHaveText('ALARM', { timeout: 15_000 });
  await expect(row.getByTestId('alarm-value')).toHaveText('1 per hour');
  // What the page shows is what the API says.
  const alarmed = (await list()).find((a) => a.id === rule.id)!;
  expect(alarmed.state).toBe('ALARM');
  await expect(
    page.locator(`[data-testid="alarm-history-row"][data-alarm="${rule.id}"][data-to="ALARM"]`),
  ).toHaveCount(1);

  // The owner's view in the home app (same session): the firing alarm on the devices page.
  const home = await page.context().newPage();
  await home.goto(`${ts.url}/devices`);
  const firing = home.locator('[data-testid="site-alarm"][data-kind="worker-restarts"]');
  await expect(firing).toBeVisible({ timeout: 15_000 });
  await expect(firing.getByTestId('site-alarm-acknowledge')).toBeVisible();

  await row.getByTestId('alarm-acknowledge').click();
  await expect(row.getByTestId('alarm-acknowledged')).toBeVisible();
  await expect(row.getByTestId('alarm-acknowledge')).toHaveCount(0);
  const acked = (await list()).find((a) => a.id === rule.id)!;
  expect(acked.acknowledgedAt).not.toBeNull();
  await expect(
    page.locator(
      `[data-testid="alarm-history-row"][data-alarm="${rule.id}"][data-type="acknowledged"]`,
    ),
  ).toHaveCount(1);
  await expect(firing.getByTestId('site-alarm-acknowledged')).toBeVisible({ timeout: 15_000 });
  await home.close();

  // Editing the threshold: one death is no longer above it, so the alarm resolves.
  await row.getByTestId('alarm-edit').click();
  await page.getByTestId('alarm-threshold').fill('1');
  await page.getByTestId('alarm-save').click();
  await expect(row.getByTestId('alarm-state')).toHaveText('OK', { timeout: 15_000 });
  expect((await list()).find((a) => a.id === rule.id)!.threshold).toBe(1);

  await row.getByTestId('alarm-mute').click();
  await expect(row.getByTestId('alarm-muted')).toBeVisible();
  expect((await list()).find((a) => a.id === rule.id)!.mutedUntil).toBeGreaterThan(Date.now());
  await page.close();
});
