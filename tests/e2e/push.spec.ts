import { randomUUID } from 'node:crypto';
import { expect, test, type BrowserContext, type CDPSession, type Page } from '@playwright/test';
import { api } from '../support/http.ts';
import { PushReceiver } from '../support/pushReceiver.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';

/**
 * The closed PWA: the app's real service worker gets a push through the DevTools protocol (no
 * push service is reachable here) and shows the notification the server would make it show. The
 * payloads are the ones the server really sent: DoorbellPush -> encryption -> the local push
 * receiver (which decrypts them) -> ServiceWorker.deliverPushMessage. Then the settings screen,
 * driven as a person would.
 */

test.describe.configure({ mode: 'serial' });

let ts: TestServer;
let receiver: PushReceiver;
let ctx: BrowserContext;
let page: Page;
let cdp: CDPSession;
let registrationId = '';
const email = `push-${randomUUID().slice(0, 8)}@example.com`;
const password = 'a long enough password';
let personId = '';
let frontDoor = '';

test.beforeAll(async () => {
  receiver = await PushReceiver.start();
  ts = await startTestServer(
    { push: { allowPrivateEndpoints: true } },
    { pushAgent: receiver.agent },
  );
  personId = await ts.createPerson({ email, password, siteRole: 'owner' });
  frontDoor = (await ts.mintWithId('camera', { label: 'Front door' })).id;
});

test.afterAll(async () => {
  await ctx?.close();
  await ts?.close();
  await receiver?.close();
});

interface Shown {
  title: string;
  body: string;
  tag: string;
  actions: { action: string; title: string }[];
  requireInteraction: boolean;
  renotify: boolean;
  image: string;
}

/** What the app's service worker registration is showing now. */
const shown = (): Promise<Shown[]> =>
  page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return (await reg.getNotifications()).map((n) => {
      const x = n as Notification & {
        actions: { action: string; title: string }[];
        renotify: boolean;
        image: string;
      };
      return {
        title: x.title,
        body: x.body,
        tag: x.tag,
        actions: [...x.actions].map((a) => ({ action: a.action, title: a.title })),
        requireInteraction: x.requireInteraction,
        renotify: x.renotify,
        image: x.image,
      };
    });
  });

/** The app's service worker versions' running states, as DevTools last reported them. */
const running = new Map<string, string>();

/**
 * Pushes `text` to the app's service worker, after stopping it as a closed PWA's would be, and
 * waits until `arrived` holds. The stop is waited for (a push sent while the worker is still
 * stopping can be dropped on a busy box); a push that still leaves no trace in 10 s is sent
 * again, as a push service redelivers an unacknowledged message. Every push here is tagged, so a
 * second delivery replaces the first notification rather than adding one.
 */
async function deliver(text: string, arrived: () => Promise<boolean>): Promise<void> {
  await cdp.send('ServiceWorker.stopAllWorkers');
  await expect
    .poll(() => [...running.values()].every((s) => s === 'stopped'), { timeout: 15_000 })
    .toBe(true);
  for (let attempt = 1; ; attempt++) {
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: new URL(ts.url).origin,
      registrationId,
      data: text,
    });
    try {
      await expect.poll(arrived, { timeout: 10_000 }).toBe(true);
      return;
    } catch (e) {
      if (attempt === 3) throw e;
      console.warn(`push not shown 10 s after delivery ${attempt}: delivering again`);
    }
  }
}

/** The payload the server sent to a fabricated browser of this person, decrypted. */
async function lastPushText(browserId: string, count: number): Promise<string> {
  await receiver.waitFor(() => receiver.for(browserId).length >= count);
  return receiver.for(browserId)[count - 1]!.text;
}

test('a ring push shows Answer/Decline on the call tag; answered elsewhere replaces it', async ({
  browser,
}) => {
  ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  await ctx.grantPermissions(['notifications'], { origin: new URL(ts.url).origin });
  page = await ctx.newPage();
  cdp = await ctx.newCDPSession(page);
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
    const mine = e.registrations.find((r) => r.scopeURL.startsWith(ts.url) && !r.isDeleted);
    if (mine) registrationId = mine.registrationId;
  });
  cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
    for (const v of e.versions) running.set(v.versionId, v.runningStatus);
  });
  await cdp.send('ServiceWorker.enable');
  await page.goto(`${ts.url}/`);
  await expect
    .poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state))
    .toBe('activated');
  await expect.poll(() => registrationId).not.toBe('');

  // The server's real ring for this person, to a fabricated subscription on the local receiver.
  const phone = receiver.browser();
  const sub = await api(ts.url, 'POST', '/api/v1/notifications/subscriptions', {
    token: (await ts.server.identity.accessTokens.issueAccount(personId)).token,
    body: { subscription: phone.subscription },
  });
  expect(sub.status).toBe(201);
  const callId = randomUUID();
  const call = {
    callId,
    siteId: ts.siteId,
    doorId: randomUUID(),
    doorName: 'Front door',
    startedAt: Date.now(),
    ringWindowMs: 30_000,
  };
  await ts.server.notify.doorbell.ring(call, [personId]);
  await deliver(await lastPushText(phone.id, 1), async () => (await shown()).length === 1);
  expect(await shown()).toHaveLength(1);
  const [ring] = await shown();
  expect(ring).toMatchObject({
    title: 'Someone is at Front door',
    tag: callId,
    requireInteraction: true,
    renotify: true,
    actions: [
      { action: 'answer', title: 'Answer' },
      { action: 'decline', title: 'Decline' },
    ],
  });

  // The snapshot push alerts again on the same tag: still one notification, now with the image.
  await ts.server.notify.doorbell.ringSnapshot(
    call,
    [personId],
    '/media/signed-token/snapshot.jpg',
  );
  await deliver(await lastPushText(phone.id, 2), async () =>
    ((await shown())[0]?.image ?? '').includes('/media/signed-token/snapshot.jpg'),
  );
  expect(await shown()).toHaveLength(1);

  // Answered on another device: the ringing notification is replaced, visibly, on the same tag.
  await ts.server.notify.doorbell.answeredElsewhere(call, [personId], {
    accountId: randomUUID(),
    name: 'Bob',
    deviceLabel: 'iPad',
  });
  await deliver(
    await lastPushText(phone.id, 3),
    async () => (await shown())[0]?.body === 'Answered by Bob on iPad',
  );
  const after = await shown();
  expect(after).toHaveLength(1);
  expect(after[0]).toMatchObject({ tag: callId, actions: [], requireInteraction: false });

  // Another call is another notification; an unreadable push still shows something.
  await deliver('not json', async () => (await shown()).length === 2);
  expect((await shown()).map((n) => n.title)).toContain('Porchlight');
});

test('the settings screen: turning on fails clearly offline; test, settings and remove of a device', async () => {
  await page.goto(`${ts.url}/`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('tab-notifications').click();
  const settings = page.getByTestId('notification-settings');
  await expect(settings).toBeVisible();
  // The subscription made in the first test is listed; this browser is not subscribed.
  await expect(page.getByTestId('notify-device')).toHaveCount(1);
  // No push service is reachable: the click ends in a message, never a spinner forever.
  await page.getByTestId('notify-enable').click();
  await expect(page.getByTestId('notify-error')).toHaveText(/could not reach its push service/, {
    timeout: 20_000,
  });
  await expect(page.getByTestId('notify-enable')).toBeEnabled();

  // "Send test" reaches the (fabricated) subscribed device through the real sender.
  const before = receiver.received.length;
  await page.getByTestId('notify-test').click();
  await expect(page.getByTestId('notify-test-result')).toHaveText(/Test sent/);
  await receiver.waitFor(() => receiver.received.length === before + 1);
  expect(receiver.received.at(-1)!.json).toMatchObject({ type: 'test' });

  // Its settings, edited from here: only the front door, quiet 23:30-06:15.
  await page.getByTestId('notify-edit').click();
  await page.getByTestId('notify-all').uncheck();
  await page.getByTestId(`notify-source-${frontDoor}`).check();
  await page.getByTestId('notify-quiet').check();
  await page.getByTestId('notify-quiet-start').fill('23:30');
  await page.getByTestId('notify-quiet-end').fill('06:15');
  await page.getByTestId('notify-save').click();
  const token = (await ts.server.identity.accessTokens.issueAccount(personId)).token;
  const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  await expect
    .poll(async () => {
      const list = await api<{ settings: unknown }[]>(
        ts.url,
        'GET',
        '/api/v1/notifications/subscriptions',
        { token },
      );
      return list.body[0]?.settings;
    })
    .toStrictEqual({
      devices: [{ siteId: ts.siteId, deviceId: frontDoor }],
      quietHours: { start: '23:30', end: '06:15', timeZone: zone },
    });
  // A ring at another door now skips that device.
  const other = await ts.server.notify.doorbell.ring(
    {
      callId: randomUUID(),
      siteId: ts.siteId,
      doorId: randomUUID(),
      doorName: 'Back door',
      startedAt: Date.now(),
      ringWindowMs: 30_000,
    },
    [personId],
  );
  expect(other.skipped.map((x) => x.reason)).toStrictEqual(['device']);

  // Remove asks for confirmation, then the device is gone.
  await page.getByTestId('notify-remove').click();
  await page.getByTestId('notify-remove-confirm').click();
  await expect(page.getByTestId('notify-device')).toHaveCount(0);

  // Buttons are phone-sized.
  const box = await page.getByTestId('notify-enable').boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
});
