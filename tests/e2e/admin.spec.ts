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
  await page.getByTestId('nav-audit').click();
  await page.getByTestId('audit-search').click();
  await expect(
    page.getByTestId('audit-row').filter({ hasText: 'device.provision-code' }),
  ).toHaveCount(1, {
    timeout: 10_000,
  });
  await page.context().close();
});

test('a non-admin is told the dashboard is for admins only', async ({ browser }) => {
  const page = await adminLogin(browser, 'member@example.com', 'member-password-1');
  await expect(page.getByTestId('admins-only')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('admin-account-row')).toHaveCount(0);
  await page.context().close();
});
