import { randomUUID } from 'node:crypto';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { grantRecord } from '../support/records.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { expectVideoAdvancing, logIn, newPage, openCamera } from './helpers.ts';
import { expectPlaying } from './recordingHelpers.ts';

/**
 * Issue 11, "found tried as a new user would": a rename reaches every live view at once, the
 * controls follow what the server allows, the address follows the screen (reload, back, deep
 * links through the login), and an empty grid says how to add a camera.
 */

test.describe.configure({ mode: 'serial' });

const OWNER = { email: 'owner@example.com', password: 'owner-password-1' };
const GUEST = { email: 'guest@example.com', password: 'guest-password-1' };
const LONELY = { email: 'lonely@example.com', password: 'lonely-password-1' };
const MEMBER = { email: 'member@example.com', password: 'member-password-1' };

let ts: TestServer;
let camera: Page;
let front: { code: string; deviceId: string };
const pages: Page[] = [];

test.beforeAll(async ({ browser }) => {
  // Recorded, so a timeline position in the address has something to play.
  ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
  await ts.createPerson({ ...OWNER, siteRole: 'owner' });
  await ts.createPerson({ ...GUEST, siteRole: 'guest' });
  front = await ts.provisioningCode({ name: 'Front door' });
  camera = await openCamera(browser, ts.url, front.code);
  pages.push(camera);
});

test.afterAll(async () => {
  for (const p of pages) await p.context().close();
  await ts?.close();
});

async function person(browser: Browser, who: { email: string; password: string }): Promise<Page> {
  const page = await logIn(browser, ts.url, who.email, who.password);
  pages.push(page);
  return page;
}

const tileLabel = (page: Page) => page.getByTestId('tile-label');

test('a rename reaches the live tiles, the timeline and the camera page without a reload', async ({
  browser,
}) => {
  const owner = await person(browser, OWNER);
  const other = await person(browser, OWNER);
  await expect(tileLabel(owner)).toHaveText('Front door', { timeout: 20_000 });
  await expect(tileLabel(other)).toHaveText('Front door', { timeout: 20_000 });
  await expect(camera.getByTestId('camera-name')).toHaveText('Front door');
  // The other context looks at the camera's recordings meanwhile.
  await other.getByTestId('open-timeline').click();
  await expect(other.getByTestId('timeline-title')).toHaveText('Front door');

  await owner.getByTestId('tab-devices').click();
  const row = owner.locator(`[data-testid="device-row"][data-device-id="${front.deviceId}"]`);
  await row.getByTestId('device-rename').click();
  await owner.getByTestId('device-name-input').fill('Porch');
  await owner.getByTestId('device-name-input').press('Enter');

  // Pushed to every open view (how fast is the socket fan-out bench's job, not this test's).
  await expect(other.getByTestId('timeline-title')).toHaveText('Porch', { timeout: 10_000 });
  await expect(camera.getByTestId('camera-name')).toHaveText('Porch', { timeout: 10_000 });
  await owner.getByTestId('tab-live').click();
  await expect(tileLabel(owner)).toHaveText('Porch', { timeout: 10_000 });
  await other.getByTestId('back-to-live').click();
  await expect(tileLabel(other)).toHaveText('Porch', { timeout: 10_000 });
  // No reconnect was needed: the same video keeps playing.
  await expectVideoAdvancing(other);
});

test("a guest's tile has no talk button or recordings; an owner's has both", async ({
  browser,
}) => {
  const guest = await person(browser, GUEST);
  const owner = await person(browser, OWNER);
  for (const page of [guest, owner])
    await expect(page.getByTestId('live-video')).toHaveCount(1, { timeout: 20_000 });
  await expect(owner.getByTestId('ptt')).toHaveCount(1);
  await expect(owner.getByTestId('open-timeline')).toHaveCount(1);
  await expectVideoAdvancing(guest);
  await expect(guest.getByTestId('ptt')).toHaveCount(0);
  await expect(guest.getByTestId('open-timeline')).toHaveCount(0);
  await expect(guest.getByText(/hold to talk/i)).toHaveCount(0);
  // Space (talk to the only camera) does nothing either: no banner, no error.
  await guest.keyboard.down('Space');
  await guest.keyboard.up('Space');
  await expect(guest.getByRole('alert')).toHaveCount(0);

  // The owner makes the guest a member: the talk button appears without a reload.
  const guestId = await ts.server.store.accounts.getByEmail(GUEST.email).then((a) => a!.id);
  await ts.server.store.grants.create(grantRecord(guestId, ts.siteId, 'member'));
  ts.server.identity.events.safeEmit('principalChanged', { kind: 'account', id: guestId });
  await expect(guest.getByTestId('ptt')).toHaveCount(1, { timeout: 10_000 });
  await expect(guest.getByTestId('open-timeline')).toHaveCount(1);
});

test('the address follows the screen: reload, back button, and sections', async ({ browser }) => {
  const owner = await person(browser, OWNER);
  await expect(owner.getByTestId('live-video')).toHaveCount(1, { timeout: 20_000 });
  await owner.getByTestId('camera-tile').click();
  await expect(owner).toHaveURL(`${ts.url}/cameras/${front.deviceId}`);
  await expect(owner.locator('.tile--focused')).toHaveCount(1);

  await owner.reload();
  await expect(owner.getByTestId('live-video')).toHaveCount(1, { timeout: 20_000 });
  await expect(owner.locator('.tile--focused')).toHaveCount(1);
  await expect(owner).toHaveURL(`${ts.url}/cameras/${front.deviceId}`);

  await owner.getByTestId('tab-devices').click();
  await expect(owner).toHaveURL(`${ts.url}/devices`);
  await expect(owner.getByTestId('device-row')).toHaveCount(1);
  await owner.goBack();
  await expect(owner).toHaveURL(`${ts.url}/cameras/${front.deviceId}`);
  await expect(owner.locator('.tile--focused')).toHaveCount(1);
  await owner.goBack();
  await expect(owner).toHaveURL(`${ts.url}/`);
  await expect(owner.locator('.tile--focused')).toHaveCount(0);
  await owner.goForward();
  await expect(owner.locator('.tile--focused')).toHaveCount(1);
});

test('a deep link to a timeline position survives the login and plays from there', async ({
  browser,
}) => {
  // Something recorded before the position asked for.
  const at = Date.now() - 4_000;
  const target = `${ts.url}/timeline/${front.deviceId}?t=${at}`;
  const page = await newPage(browser, target);
  pages.push(page);
  await page.getByTestId('login-email').fill(OWNER.email);
  await page.getByTestId('login-password').fill(OWNER.password);
  await page.getByTestId('login-submit').click();

  const view = page.getByTestId('timeline-view');
  await expect(view).toHaveAttribute('data-device-id', front.deviceId, { timeout: 20_000 });
  await expectPlaying(page);
  // The position is kept in the address as it plays, without a history entry per step.
  const entries = await page.evaluate(() => history.length);
  await expect
    .poll(() => Number(new URL(page.url()).searchParams.get('t')), { timeout: 15_000 })
    .toBeGreaterThan(Math.floor(at / 1000) * 1000);
  expect(new URL(page.url()).pathname).toBe(`/timeline/${front.deviceId}`);
  expect(await page.evaluate(() => history.length)).toBe(entries);

  await page.getByTestId('back-to-live').click();
  await expect(page).toHaveURL(`${ts.url}/`);
  await page.goBack();
  await expect(page.getByTestId('timeline-view')).toBeVisible();
});

test('an empty grid tells an owner how to add a camera, and others whom to ask', async ({
  browser,
}) => {
  const empty = randomUUID();
  await ts.ensureSite(empty);
  await ts.createPerson({ ...LONELY, siteId: empty, siteRole: 'owner' });
  await ts.createPerson({ ...MEMBER, siteId: empty, siteRole: 'member' });

  const owner = await person(browser, LONELY);
  const grid = owner.getByTestId('empty-grid');
  await expect(grid).toContainText('No camera is online');
  await owner.getByTestId('empty-add-camera').click();
  await expect(owner).toHaveURL(`${ts.url}/devices`);
  await expect(owner.getByTestId('tab-devices')).toHaveAttribute('aria-current', 'page');

  const member = await person(browser, MEMBER);
  await expect(member.getByTestId('empty-grid')).toContainText('No cameras shared with you yet');
  await expect(member.getByTestId('empty-add-camera')).toHaveCount(0);
});
