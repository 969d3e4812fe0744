import { expect, test, type Browser, type Page } from '@playwright/test';
import { api } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { newPage } from './helpers.ts';

/** An admin's password reset and session sign-out in the dashboard (issue 16). */
let ts: TestServer;

test.beforeAll(async () => {
  ts = await startTestServer();
  await ts.createPerson({
    email: 'root@example.com',
    password: 'root-password-1',
    isAdmin: true,
    siteRole: 'owner',
  });
});
test.afterAll(async () => {
  await ts?.close();
});

async function adminLogin(browser: Browser, phone = false): Promise<Page> {
  const ctx = await browser.newContext({
    ignoreHTTPSErrors: true,
    permissions: ['clipboard-read', 'clipboard-write'],
    ...(phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : {}),
  });
  const page = await ctx.newPage();
  await page.goto(`${ts.url}/admin/`);
  await page.getByTestId('login-email').fill('root@example.com');
  await page.getByTestId('login-password').fill('root-password-1');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('admin-accounts')).toBeVisible({ timeout: 15_000 });
  return page;
}

/** A login over the REST API as a named client, the way a phone app or a script signs in. */
async function signIn(email: string, password: string, userAgent: string) {
  const res = await fetch(`${ts.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { accessToken: string; refreshToken: string };
}

const refresh = (refreshToken: string) =>
  api(ts.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken } });

test('an admin resets a password: the old one is refused, the temporary one forces a change', async ({
  browser,
}, info) => {
  const id = await ts.createPerson({ email: 'pat@example.com', password: 'pat-password-1' });
  const before = await signIn('pat@example.com', 'pat-password-1', 'PatPhone/1.0');
  const admin = await adminLogin(browser, true);
  const row = admin.locator(`[data-testid="admin-account-row"][data-account-id="${id}"]`);

  // Two clicks: the first only says what will happen.
  await row.getByTestId('account-reset-password').click();
  await expect(row).toContainText('signed out everywhere');
  await row.getByTestId('account-reset-password-confirm').click();
  const box = admin.getByTestId('temporary-password-box');
  await expect(box).toContainText('must choose a new password');
  const temporary = (await box.getByTestId('temporary-password').textContent())!.trim();
  expect(temporary.length).toBeGreaterThanOrEqual(10);
  await box.getByTestId('temporary-password-copy').click();
  await expect(box.getByTestId('temporary-password-copy')).toHaveText('Copied');
  expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(temporary);
  await admin.screenshot({ path: info.outputPath('reset-390x844.png'), fullPage: true });
  // The reset ended the sessions from before.
  expect((await refresh(before.refreshToken)).status).toBe(401);

  // Pat, in the home app: the old password is refused, the temporary one asks for a new one.
  const pat = await newPage(browser, `${ts.url}/`);
  await pat.getByTestId('login-email').fill('pat@example.com');
  await pat.getByTestId('login-password').fill('pat-password-1');
  await pat.getByTestId('login-submit').click();
  await expect(pat.getByTestId('error-banner')).toBeVisible();
  await expect(pat.getByTestId('change-password')).toHaveCount(0);
  await pat.getByTestId('login-password').fill(temporary);
  await pat.getByTestId('login-submit').click();
  await expect(pat.getByTestId('change-password')).toContainText('Choose your own password');
  await pat.getByTestId('password-current').fill(temporary);
  await pat.getByTestId('password-new').fill('pat-own-password-2');
  await pat.getByTestId('password-again').fill('pat-own-password-2');
  await pat.getByTestId('password-submit').click();
  await expect(pat.getByTestId('change-password')).toHaveCount(0);
  expect(
    (
      await api(ts.url, 'POST', '/api/v1/auth/login', {
        body: { email: 'pat@example.com', password: 'pat-own-password-2' },
      })
    ).status,
  ).toBe(200);

  // Looking at Pat's sessions meanwhile does not lose the password before it is handed over.
  await row.getByTestId('account-sessions-toggle').click();
  await expect(admin.getByTestId('account-session').first()).toBeVisible();
  await expect(admin.getByTestId('temporary-password')).toHaveText(temporary);
  // The password is shown once: hidden when done, and not shown again.
  await admin.getByTestId('account-panel-close').click();
  await expect(admin.getByTestId('temporary-password')).toHaveCount(0);
  await admin.context().close();
  await pat.context().close();
});

test('an admin signs a session out, then every session, on a phone-sized screen', async ({
  browser,
}, info) => {
  const id = await ts.createPerson({ email: 'sam@example.com', password: 'sam-password-1' });
  const phone = await signIn('sam@example.com', 'sam-password-1', 'SamPhone/1.0');
  const laptop = await signIn('sam@example.com', 'sam-password-1', 'SamLaptop/2.0');
  const admin = await adminLogin(browser, true);
  const row = admin.locator(`[data-testid="admin-account-row"][data-account-id="${id}"]`);
  await row.getByTestId('account-sessions-toggle').click();
  const sessions = admin.getByTestId('account-session');
  await expect(sessions).toHaveCount(2);
  await expect(admin.getByTestId('account-sessions')).toContainText('127.0.0.1');

  const phoneRow = sessions.filter({ hasText: 'SamPhone/1.0' });
  await phoneRow.getByTestId('account-session-revoke').click();
  await admin.screenshot({ path: info.outputPath('sessions-390x844.png'), fullPage: true });
  // Nothing fits sideways off a phone screen.
  expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await phoneRow.getByTestId('account-session-revoke-confirm').click();
  await expect(sessions).toHaveCount(1);
  await expect(sessions).toContainText('SamLaptop/2.0');
  expect((await refresh(phone.refreshToken)).status).toBe(401);
  // That session's access token died with it; the laptop's lives on.
  expect((await api(ts.url, 'GET', '/api/v1/sites', { token: phone.accessToken })).status).toBe(
    401,
  );
  expect((await api(ts.url, 'GET', '/api/v1/sites', { token: laptop.accessToken })).status).toBe(
    200,
  );

  await admin.getByTestId('account-sessions-revoke-all').click();
  await admin.getByTestId('account-sessions-revoke-all-confirm').click();
  await expect(admin.getByTestId('account-sessions-empty')).toBeVisible();
  expect((await refresh(laptop.refreshToken)).status).toBe(401);
  // The access token died at once too, not at its expiry.
  expect((await api(ts.url, 'GET', '/api/v1/sites', { token: laptop.accessToken })).status).toBe(
    401,
  );
  await admin.context().close();
});

test('a failed action says so next to the account', async ({ browser }) => {
  const id = await ts.createPerson({ email: 'kim@example.com', password: 'kim-password-1' });
  const tablet = await signIn('kim@example.com', 'kim-password-1', 'KimTablet/3.0');
  const admin = await adminLogin(browser);
  const row = admin.locator(`[data-testid="admin-account-row"][data-account-id="${id}"]`);
  await row.getByTestId('account-sessions-toggle').click();
  await expect(admin.getByTestId('account-session')).toHaveCount(1);
  // Kim signs out on the tablet while the admin looks at the list.
  expect(
    (
      await api(ts.url, 'POST', '/api/v1/auth/logout', {
        body: { refreshToken: tablet.refreshToken },
      })
    ).status,
  ).toBe(204);
  await admin.getByTestId('account-session-revoke').click();
  await admin.getByTestId('account-session-revoke-confirm').click();
  await expect(admin.getByTestId('account-error')).toContainText(/not found/i);
  await expect(admin.getByTestId('account-sessions-empty')).toBeVisible();
  await admin.context().close();
});

test('the whole audit log shows password resets and sign-outs, which belong to no site', async ({
  browser,
}, info) => {
  const id = await ts.createPerson({ email: 'lee@example.com', password: 'lee-password-1' });
  await signIn('lee@example.com', 'lee-password-1', 'LeePhone/1.0');
  const root = await signIn('root@example.com', 'root-password-1', 'RootScript/1.0');
  const as = { token: root.accessToken };
  expect(
    (await api(ts.url, 'POST', `/api/v1/admin/accounts/${id}/password-reset`, as)).status,
  ).toBe(200);
  await ts.createPerson({ email: 'max@example.com', password: 'max-password-1' });
  const max = await signIn('max@example.com', 'max-password-1', 'MaxPhone/1.0');
  const maxId = (await ts.server.store.accounts.getByEmail('max@example.com'))!.id;
  expect((await api(ts.url, 'DELETE', `/api/v1/admin/accounts/${maxId}/sessions`, as)).status).toBe(
    204,
  );
  expect((await refresh(max.refreshToken)).status).toBe(401);

  const admin = await adminLogin(browser);
  await admin.getByTestId('nav-audit').click();
  // The dashboard opens on the whole log.
  await expect(admin.getByTestId('audit-site')).toHaveValue('');
  // (Earlier tests of this file reset and signed out other people on the same server.)
  const reset = admin
    .getByTestId('audit-row')
    .filter({ hasText: "Reset someone's password" })
    .filter({ hasText: 'person: lee' });
  await expect(reset).toHaveCount(1);
  await expect(reset.getByTestId('audit-who')).toContainText('root');
  const signOut = admin
    .getByTestId('audit-row')
    .filter({ hasText: 'Signed someone out' })
    .filter({ hasText: 'person: max · every session' });
  await expect(signOut).toHaveCount(1);
  await admin.screenshot({ path: info.outputPath('audit-all.png'), fullPage: true });
  // One site's log does not hold them; back on the whole log they are there again.
  await admin.getByTestId('audit-site').selectOption(ts.siteId);
  await expect(admin.getByTestId('audit-site')).toHaveValue(ts.siteId);
  await expect(admin.getByText('Loading…')).toHaveCount(0);
  await expect(
    admin.getByTestId('audit-row').filter({ hasText: "Reset someone's password" }),
  ).toHaveCount(0);
  await admin.getByTestId('audit-site').selectOption('');
  await expect(reset).toHaveCount(1);
  await admin.context().close();
});
