import { expect, test, type Browser, type Page } from '@playwright/test';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { expectVideoAdvancing, openCamera } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

let ts: TestServer;
const pages: Page[] = [];
let front: { code: string; deviceId: string };
let garage: { code: string; deviceId: string };
const OWNER = { email: 'owner@example.com', password: 'owner-password-1' };
const GUEST = { email: 'guest@example.com', password: 'guest-password-1' };

test.beforeAll(async ({ browser }) => {
  ts = await startTestServer({ media: { numWorkers: 2 } });
  await ts.createPerson({ ...OWNER, siteRole: 'owner' });
  front = await ts.provisioningCode({ name: 'Front door' });
  garage = await ts.provisioningCode({ name: 'Garage' });
  pages.push(await openCamera(browser, ts.url, front.code));
  pages.push(await openCamera(browser, ts.url, garage.code));
});

test.afterAll(async () => {
  for (const p of pages) await p.context().close();
  await ts?.close();
});

/** Producer id of a device's camera video, from the server's point of view. */
function producerOf(deviceId: string): string {
  const videos = ts.server.rooms.rooms
    .get(ts.siteId)!
    .producersOfDevice(deviceId)
    .filter((p) => p.kind === 'video');
  expect(videos).toHaveLength(1);
  return videos[0]!.id;
}

/** A phone-sized page (the owner invites from their phone; the guest opens the link on theirs). */
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

test('an owner invites a guest limited to one camera by link; the guest sets a password, sees it live and is refused the other', async ({
  browser,
}) => {
  const owner = await phonePage(browser, `${ts.url}/`);
  pages.push(owner);
  await owner.getByTestId('login-email').fill(OWNER.email);
  await owner.getByTestId('login-password').fill(OWNER.password);
  await owner.getByTestId('login-submit').click();
  await expect(owner.getByTestId('live-video')).toHaveCount(2, { timeout: 20_000 });

  await owner.getByTestId('tab-people').click();
  // The owner's own row offers no Revoke.
  await expect(owner.getByTestId('grant-row')).toHaveCount(1);
  await expect(owner.getByTestId('grant-row').getByTestId('grant-revoke')).toHaveCount(0);
  await owner.getByTestId('invite-who').fill(GUEST.email);
  await owner.getByTestId('invite-role').selectOption('guest');
  await owner.locator(`[data-testid="invite-device"][data-device-id="${front.deviceId}"]`).check();
  await owner.getByTestId('invite-submit').click();
  const link = (await owner.getByTestId('invitation-url').textContent({ timeout: 10_000 }))!;
  expect(link).toMatch(new RegExp(`^${ts.url}/invite#[A-Za-z0-9_-]{43}$`));
  await expect(owner.getByTestId('invitation-qr')).toBeVisible();
  await expect(owner.getByTestId('invitation-row')).toHaveCount(1); // pending
  // Nobody has access yet: only the owner's row.
  await expect(owner.getByTestId('grant-row')).toHaveCount(1);

  // The guest opens the link on their phone, sees what they are invited to, chooses a password.
  const guest = await phonePage(browser, link);
  pages.push(guest);
  await expect(guest.getByTestId('invite-page')).toContainText('owner invites you to');
  await expect(guest.getByTestId('invite-cameras')).toHaveText('Front door');
  // The token left the address bar at once.
  expect(guest.url()).toBe(`${ts.url}/invite`);
  await expect(guest.getByTestId('invite-accept-email')).toHaveValue(GUEST.email);
  await guest.getByTestId('invite-accept-name').fill('Dog walker');
  await guest.getByTestId('invite-accept-password').fill(GUEST.password);
  await guest.getByTestId('invite-accept-password-again').fill(GUEST.password);
  await guest.getByTestId('invite-accept').click();
  await expect(guest.getByTestId('connection-state')).toHaveText('connected', { timeout: 20_000 });
  expect(new URL(guest.url()).pathname).not.toBe('/invite');

  // The owner's list (opened again) now has the guest, and the invitation is no longer pending.
  await owner.getByTestId('tab-live').click();
  await owner.getByTestId('tab-people').click();
  await expect(owner.getByTestId('grant-row')).toHaveCount(2, { timeout: 10_000 }); // owner + guest
  await expect(owner.getByTestId('invitation-row')).toHaveCount(0);

  // Exactly the front door, decoding.
  await expect(guest.getByTestId('live-video')).toHaveCount(1, { timeout: 20_000 });
  const frontProducer = producerOf(front.deviceId);
  await expect(guest.getByTestId('live-video').first()).toHaveAttribute(
    'data-producer-id',
    frontProducer,
  );
  await expectVideoAdvancing(guest);

  // Asking for the garage anyway (as a hand-crafted client would) is refused by the server.
  const garageProducer = producerOf(garage.deviceId);
  const refusal = await guest.evaluate(async (id) => {
    const w = window as unknown as {
      porchlight: { client: { watch(id: string): Promise<unknown> } };
    };
    try {
      await w.porchlight.client.watch(id);
      return 'allowed';
    } catch (e) {
      return String((e as { code?: string }).code ?? e);
    }
  }, garageProducer);
  expect(refusal).toMatch(/FORBIDDEN|NOT_FOUND/);
  // And the guest gets no People/Devices management.
  await expect(guest.getByTestId('tab-people')).toHaveCount(0);

  // The owner revokes the guest: the guest's live view ends within seconds.
  const guestRow = owner.getByTestId('grant-row').filter({ hasText: GUEST.email });
  await guestRow.getByTestId('grant-revoke').click();
  await expect(guest.getByTestId('live-video')).toHaveCount(0, { timeout: 5_000 });
});
