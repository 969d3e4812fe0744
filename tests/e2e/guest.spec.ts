import { expect, test, type Page } from '@playwright/test';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { expectVideoAdvancing, logIn, openCamera } from './helpers.ts';

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

test('an owner invites a guest limited to one camera; the guest sees it live and is refused the other', async ({
  browser,
}) => {
  const owner = await logIn(browser, ts.url, OWNER.email, OWNER.password);
  pages.push(owner);
  await expect(owner.getByTestId('live-video')).toHaveCount(2, { timeout: 20_000 });

  await owner.getByTestId('tab-people').click();
  await owner.getByTestId('invite-email').fill(GUEST.email);
  await owner.getByTestId('invite-role').selectOption('guest');
  await owner.locator(`[data-testid="invite-device"][data-device-id="${front.deviceId}"]`).check();
  await owner.getByTestId('invite-name').fill('Dog walker');
  await owner.getByTestId('invite-password').fill(GUEST.password);
  await owner.getByTestId('invite-submit').click();
  await expect(owner.getByTestId('grant-row')).toHaveCount(2, { timeout: 10_000 }); // owner + guest

  const guest = await logIn(browser, ts.url, GUEST.email, GUEST.password);
  pages.push(guest);
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
