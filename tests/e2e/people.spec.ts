import { expect, test, type Browser, type Page } from '@playwright/test';
import { api } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';

test.describe.configure({ mode: 'serial' });

let ts: TestServer;
const OWNER = { email: 'olivia@example.com', password: 'owner-password-1' };
let porch: { deviceId: string };

test.beforeAll(async () => {
  ts = await startTestServer();
  await ts.createPerson({ ...OWNER, siteRole: 'owner' });
  porch = await ts.provisioningCode({ name: 'Porch' });
});
test.afterAll(async () => {
  await ts?.close();
});

async function phonePage(browser: Browser, url: string): Promise<Page> {
  const ctx = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await ctx.newPage();
  await page.goto(url);
  return page;
}

async function ownerOnPeople(browser: Browser): Promise<Page> {
  const owner = await phonePage(browser, `${ts.url}/`);
  await owner.getByTestId('login-email').fill(OWNER.email);
  await owner.getByTestId('login-password').fill(OWNER.password);
  await owner.getByTestId('login-submit').click();
  await owner.getByTestId('tab-people').click();
  await expect(owner.locator('[data-testid="grant-row"][data-me]')).toHaveCount(1, {
    timeout: 15_000,
  });
  return owner;
}

test('a guest invitation needs an explicit camera choice; its link works once', async ({
  browser,
}) => {
  const owner = await ownerOnPeople(browser);
  // The owner's own row: marked as theirs, no Revoke.
  await expect(owner.getByTestId('grant-row')).toContainText('(you)');
  await expect(owner.getByTestId('grant-revoke')).toHaveCount(0);

  await owner.getByTestId('invite-who').fill('Neighbour');
  await owner.getByTestId('invite-role').selectOption('guest');
  const submit = owner.getByTestId('invite-submit');
  const problem = owner.getByTestId('invite-camera-problem');
  // Nothing chosen: no way to invite, and the form says why.
  await expect(owner.getByTestId('invite-all-cameras')).not.toBeChecked();
  await expect(owner.getByTestId('invite-some-cameras')).not.toBeChecked();
  await expect(submit).toBeDisabled();
  await expect(problem).toHaveText('Choose which cameras this person may see.');
  // "Only these" with none ticked is no choice either.
  await owner.getByTestId('invite-some-cameras').check();
  await expect(submit).toBeDisabled();
  await expect(problem).toHaveText('Tick at least one camera, or choose all cameras.');
  const box = owner.locator(`[data-testid="invite-device"][data-device-id="${porch.deviceId}"]`);
  await box.check();
  await expect(submit).toBeEnabled();
  await expect(problem).toHaveCount(0);
  await box.uncheck();
  await expect(submit).toBeDisabled();
  // All cameras, explicitly.
  await owner.getByTestId('invite-all-cameras').check();
  await expect(submit).toBeEnabled();
  // Touch targets on the phone: each choice row is at least 44 px high.
  const row = await owner.getByTestId('invite-all-cameras').locator('..').boundingBox();
  expect(row!.height).toBeGreaterThanOrEqual(44);
  await submit.click();
  const link = (await owner.getByTestId('invitation-url').textContent({ timeout: 10_000 }))!;
  await expect(owner.getByTestId('invitation-row')).toHaveCount(1);

  const neighbour = await phonePage(browser, link);
  await expect(neighbour.getByTestId('invite-page')).toContainText('olivia invites you to');
  await expect(neighbour.getByTestId('invite-cameras')).toHaveText(
    'All cameras, including ones added later',
  );
  await expect(neighbour.getByTestId('invite-role-text')).toHaveText('Guest: watch live only');
  // A name-only invitation: the invitee gives their e-mail, name and password.
  await neighbour.getByTestId('invite-accept-email').fill('neighbour@example.com');
  await expect(neighbour.getByTestId('invite-accept-name')).toHaveValue('Neighbour');
  await neighbour.getByTestId('invite-accept-password').fill('neighbour-pass-1');
  await neighbour.getByTestId('invite-accept-password-again').fill('neighbour-pass-2');
  await expect(neighbour.getByTestId('invite-accept')).toBeDisabled();
  await neighbour.getByTestId('invite-accept-password-again').fill('neighbour-pass-1');
  await neighbour.getByTestId('invite-accept').click();
  await expect(neighbour.getByTestId('connection-state')).toHaveText('connected', {
    timeout: 20_000,
  });
  // The password they chose is theirs.
  const login = await api(ts.url, 'POST', '/api/v1/auth/login', {
    body: { email: 'neighbour@example.com', password: 'neighbour-pass-1' },
  });
  expect(login.status).toBe(200);

  // The owner's activity log says so in words: names, not ids; a readable time.
  await owner.getByTestId('tab-live').click();
  await owner.getByTestId('tab-people').click();
  const accepted = owner.locator('[data-testid="activity-row"][data-action="invitation.accept"]');
  await expect(accepted).toHaveCount(1, { timeout: 10_000 });
  await expect(accepted.getByTestId('activity-who')).toHaveText('Neighbour');
  await expect(accepted).toContainText('accepted an invitation');
  await expect(accepted.getByTestId('activity-when')).toHaveText('just now');
  expect(await accepted.getByTestId('activity-when').getAttribute('title')).toMatch(
    /\d{1,2}:\d{2}:\d{2}/,
  );
  const neighbourId = (await ts.server.store.accounts.getByEmail('neighbour@example.com'))!.id;
  expect(await accepted.textContent()).not.toContain(neighbourId);
  // Filtered by the server: invitations only (sent and accepted), nothing else.
  await owner.getByTestId('activity-filter').selectOption('people');
  await expect(owner.getByTestId('activity-row')).toHaveCount(2);
  await expect(owner.getByTestId('activity-row').first()).toHaveAttribute(
    'data-action',
    'invitation.accept',
  );
  await expect(owner.getByTestId('activity-row').last()).toContainText('olivia invited someone');
  // Refused requests only (the guest's app asking for the people list it may not see).
  await owner.getByTestId('activity-filter').selectOption('refused');
  const refused = owner.getByTestId('activity-row');
  await expect(refused.first()).toContainText('Neighbour tried to manage people (denied)');
  for (const action of await refused.evaluateAll((rows) =>
    rows.map((r) => r.getAttribute('data-action')),
  ))
    expect(action).toContain(':');

  // Someone else opening the same link is told it was used.
  const late = await phonePage(browser, link);
  await expect(late.getByTestId('invite-problem')).toContainText(
    'This invitation was already used.',
  );
  for (const p of [owner, neighbour, late]) await p.context().close();
});

test('a withdrawn invitation link says so and names who to ask', async ({ browser }) => {
  const owner = await ownerOnPeople(browser);
  await owner.getByTestId('invite-who').fill('cousin@example.com');
  await owner.locator(`[data-testid="invite-device"][data-device-id="${porch.deviceId}"]`).check();
  await owner.getByTestId('invite-submit').click();
  const link = (await owner.getByTestId('invitation-url').textContent({ timeout: 10_000 }))!;
  // The Copy button puts exactly the link on the clipboard.
  await owner.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: ts.url,
  });
  await owner.getByTestId('invitation-copy').click();
  await expect(owner.getByTestId('invitation-copy')).toHaveText('Copied');
  expect(await owner.evaluate(() => navigator.clipboard.readText())).toBe(link);
  const pending = owner.getByTestId('invitation-row').filter({ hasText: 'cousin@example.com' });
  await expect(pending).toHaveCount(1);
  await pending.getByTestId('invitation-revoke').click();
  await expect(pending).toHaveCount(0);
  // The link shown before is gone with it.
  await expect(owner.getByTestId('invitation-url')).toHaveCount(0);

  const cousin = await phonePage(browser, link);
  await expect(cousin.getByTestId('invite-problem')).toContainText(
    'This invitation was withdrawn: ask olivia for a new one.',
  );
  for (const p of [owner, cousin]) await p.context().close();
});

test('a person who already has an account logs in on the invitation page and accepts into it', async ({
  browser,
}) => {
  await ts.createPerson({ email: 'kim@example.com', password: 'kim-password-1' });
  const owner = await ownerOnPeople(browser);
  await owner.getByTestId('invite-who').fill('kim@example.com');
  await owner.getByTestId('invite-role').selectOption('member');
  await owner.getByTestId('invite-all-cameras').check();
  await owner.getByTestId('invite-submit').click();
  const link = (await owner.getByTestId('invitation-url').textContent({ timeout: 10_000 }))!;

  const kim = await phonePage(browser, link);
  await kim.getByRole('button', { name: 'I already have an account' }).click();
  await expect(kim.getByTestId('invite-accept-email')).toHaveValue('kim@example.com');
  await kim.getByTestId('invite-accept-password').fill('kim-password-1');
  await kim.getByTestId('invite-accept').click();
  await expect(kim.getByTestId('invite-page')).toContainText('You are logged in as kim');
  await kim.getByTestId('invite-accept-me').click();
  await expect(kim.getByTestId('connection-state')).toHaveText('connected', { timeout: 20_000 });
  const kimId = (await ts.server.store.accounts.getByEmail('kim@example.com'))!.id;
  const grants = await ts.server.store.grants.listForAccount(kimId);
  expect(grants.map((g) => [g.siteId, g.role, g.deviceIds])).toEqual([[ts.siteId, 'member', null]]);
  for (const p of [owner, kim]) await p.context().close();
});
