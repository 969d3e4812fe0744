import { expect, test, type Browser } from '@playwright/test';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { newPage } from './helpers.ts';

let ts: TestServer;

test.beforeAll(async () => {
  ts = await startTestServer();
  await ts.createPerson({
    email: 'root@example.com',
    password: 'root-password-1',
    isAdmin: true,
    siteRole: 'owner',
  });
  await ts.createPerson({
    email: 'member@example.com',
    password: 'member-password-1',
    siteRole: 'member',
  });
});
test.afterAll(async () => {
  await ts?.close();
});

async function adminLogin(browser: Browser, email: string, password: string) {
  const page = await newPage(browser, `${ts.url}/admin/`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  return page;
}

test('an admin manages accounts and reads the audit log in the dashboard', async ({ browser }) => {
  const page = await adminLogin(browser, 'root@example.com', 'root-password-1');
  await expect(page.getByTestId('admin-accounts')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('admin-account-row')).toHaveCount(2);

  await page.getByTestId('new-account-email').fill('new.person@example.com');
  await page.getByTestId('new-account-name').fill('New Person');
  await page.getByTestId('new-account-password').fill('new-password-123');
  await page.getByTestId('new-account-submit').click();
  await expect(page.getByTestId('admin-account-row')).toHaveCount(3);
  // It really exists server side, and the password works.
  const created = await ts.server.store.accounts.getByEmail('new.person@example.com');
  expect(created?.displayName).toBe('New Person');

  await page.getByTestId('nav-sites').click();
  await expect(page.getByTestId('admin-site-row')).toHaveCount(1);

  // Something happens on the site (an owner action over the REST API), then shows in its audit log.
  const { api } = await import('../support/http.ts');
  const login = await api<{ accessToken: string }>(ts.url, 'POST', '/api/v1/auth/login', {
    body: { email: 'root@example.com', password: 'root-password-1' },
  });
  const code = await api(ts.url, 'POST', `/api/v1/sites/${ts.siteId}/provisioning-codes`, {
    token: login.body.accessToken,
    body: { name: 'Side gate' },
  });
  expect(code.status).toBe(201);
  // A refused request (a member trying to manage people) shows up as refused.
  const memberLogin = await api<{ accessToken: string }>(ts.url, 'POST', '/api/v1/auth/login', {
    body: { email: 'member@example.com', password: 'member-password-1' },
  });
  const refused = await api(ts.url, 'GET', `/api/v1/sites/${ts.siteId}/grants`, {
    token: memberLogin.body.accessToken,
  });
  expect(refused.status).toBe(403);
  await page.getByTestId('nav-audit').click();
  await page.getByTestId('audit-search').click();
  const row = page.getByTestId('audit-row').filter({ hasText: 'device.provision-code' });
  await expect(row).toHaveCount(1, { timeout: 10_000 });
  // Names, not ids: who (the account's name), what (in words), on what (site › camera).
  const site = (await ts.server.store.sites.get(ts.siteId))!;
  await expect(row.getByTestId('audit-who')).toContainText('root');
  await expect(row.getByTestId('audit-what')).toHaveText('Created a camera setup link');
  await expect(row).toContainText(`${site.name} › Side gate`);
  const rootId = (await ts.server.store.accounts.getByEmail('root@example.com'))!.id;
  const text = (await row.textContent())!;
  expect(text).not.toContain(rootId);
  expect(text).not.toContain(ts.siteId);
  // A readable time: relative, with the exact local time on hover; never raw milliseconds.
  const when = row.getByTestId('audit-when');
  await expect(when).toHaveText('just now');
  expect(await when.getAttribute('title')).toMatch(/\d{1,2}:\d{2}:\d{2}/);
  expect(text).not.toMatch(/\d{13}/);

  // Filters: outcome, then actor; the server applies them (only matching rows come back).
  await page.getByTestId('audit-outcome').selectOption('denied');
  await page.getByTestId('audit-search').click();
  await expect(page.getByTestId('audit-row')).toHaveCount(1);
  await expect(page.getByTestId('audit-row').getByTestId('audit-who')).toContainText('member');
  await page.getByTestId('audit-outcome').selectOption('');
  await page.getByTestId('audit-actor').selectOption(rootId);
  await page.getByTestId('audit-search').click();
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  for (const who of await page.getByTestId('audit-who').allTextContents())
    expect(who).toContain('root');
  await page.context().close();
});

test('a non-admin is told the dashboard is for admins only', async ({ browser }) => {
  const page = await adminLogin(browser, 'member@example.com', 'member-password-1');
  await expect(page.getByTestId('admins-only')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('admin-account-row')).toHaveCount(0);
  await page.context().close();
});
