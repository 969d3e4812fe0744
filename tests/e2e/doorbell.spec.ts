import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { CallPage } from '@porchlight/protocol';
import { api } from '../support/http.ts';
import { startLockReceiver } from '../support/lockReceiver.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { openCamera, type PageStats } from './helpers.ts';

/**
 * Doorbell calls in real browsers: a visitor's phone opens the door link and rings, two
 * homeowners (two accounts) ring on their screens, media flows both ways in the call room.
 */
test.describe.configure({ mode: 'serial' });

const PHONE = { width: 390, height: 844 };
const SHOTS = 'test-results/doorbell';

let ts: TestServer;
let ownerToken: string;
let doorId: string;
let doorUrl: string;
let visitor: Page;
let olivia: Page;
let max: Page;
/** The doorbell device itself: a browser provisioned as a device of kind `doorbell`. */
let doorbell: Page;

/** Stats of the page's call-room client (visitor or answerer). */
async function callStats(page: Page): Promise<PageStats> {
  return page.evaluate(async () => {
    const w = window as unknown as {
      porchlight?: { callClient?: { getStats(): Promise<unknown> } };
    };
    const client = w.porchlight?.callClient;
    if (!client) throw new Error('window.porchlight.callClient missing');
    return (await client.getStats()) as PageStats;
  });
}

async function ringtonePlaying(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const w = window as unknown as { porchlight?: { ringtone?: { playing: boolean } } };
    return w.porchlight?.ringtone?.playing ?? false;
  });
}

/** The smallest height of the buttons inside `testId` (phone targets must be 44 px or more). */
async function smallestButton(page: Page, testId: string): Promise<number> {
  return page
    .getByTestId(testId)
    .evaluate((root) =>
      Math.min(
        ...[...root.querySelectorAll('button')].map((b) => b.getBoundingClientRect().height),
      ),
    );
}

async function logInPhone(browser: Browser, email: string): Promise<Page> {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: PHONE });
  const page = await ctx.newPage();
  await page.goto(`${ts.url}/`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill('door-password-1');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('connection-state')).toHaveText('connected', { timeout: 20_000 });
  return page;
}

async function updateDoor(patch: Record<string, unknown>): Promise<void> {
  const res = await api(ts.url, 'PATCH', `/api/v1/sites/${ts.siteId}/doors/${doorId}`, {
    token: ownerToken,
    body: patch,
  });
  expect(res.status).toBe(200);
}

/** The door's newest call, from its history. */
async function latestCall(): Promise<CallPage['calls'][number]> {
  const res = await api<CallPage>(
    ts.url,
    'GET',
    `/api/v1/sites/${ts.siteId}/doors/${doorId}/calls?limit=1`,
    { token: ownerToken },
  );
  expect(res.status).toBe(200);
  return res.body.calls[0]!;
}

/** Both homeowners show the incoming call of the door, with its tone. */
async function expectRinging(): Promise<void> {
  for (const page of [olivia, max]) {
    await expect(page.getByTestId('incoming-call')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('incoming-door')).toHaveText('The Millers');
    await expect.poll(() => ringtonePlaying(page)).toBe(true);
  }
}

test.beforeAll(async ({ browser }) => {
  ts = await startTestServer({ doorbell: { ringsPerAddress: 1000, ringsPerDoor: 1000 } });
  ownerToken = await ts.mint('viewer', { siteRole: 'owner', label: 'Setup' });
  const code = await ts.server.identity.provisioning.createCode({
    siteId: ts.siteId,
    kind: 'doorbell',
    name: 'Front door',
    createdBy: 'test',
  });
  doorId = code.deviceId;
  doorbell = await openCamera(browser, ts.url, code.code);
  await updateDoor({
    displayName: 'The Millers',
    quickReplies: ['Coming!', 'Leave it at the door'],
  });
  const link = await api<{ url: string }>(
    ts.url,
    'POST',
    `/api/v1/sites/${ts.siteId}/doors/${doorId}/tokens`,
    { token: ownerToken, body: { label: 'Gate QR' } },
  );
  expect(link.status).toBe(201);
  doorUrl = link.body.url;

  await ts.createPerson({
    email: 'olivia@example.com',
    password: 'door-password-1',
    siteRole: 'owner',
  });
  await ts.createPerson({
    email: 'max@example.com',
    password: 'door-password-1',
    siteRole: 'member',
  });
  olivia = await logInPhone(browser, 'olivia@example.com');
  max = await logInPhone(browser, 'max@example.com');
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: PHONE });
  visitor = await ctx.newPage();
});

test.afterAll(async () => {
  for (const page of [visitor, olivia, max, doorbell]) await page?.context().close();
  await ts?.close();
});

test('the door link shows the door and a Ring button, without login', async () => {
  expect(new URL(doorUrl).pathname).toMatch(/^\/door\//);
  await visitor.goto(`${ts.url}${new URL(doorUrl).pathname}`);
  await expect(visitor.getByTestId('door-name')).toHaveText('The Millers');
  await expect(visitor.getByTestId('door-ring')).toBeEnabled();
  await expect(visitor.getByTestId('login-email')).toHaveCount(0);
  const box = await visitor.getByTestId('door-ring').boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  await visitor.screenshot({ path: `${SHOTS}/door-page.png` });
});

test('a ring reaches both homeowners; the first answer wins, the other stops within 1 s', async () => {
  await visitor.getByTestId('door-ring').click();
  await expect(visitor.getByTestId('door-status')).toHaveText('Ringing…', { timeout: 15_000 });
  await expectRinging();
  // The visitor's live camera in the overlay (preview as a callee of the call room).
  await expect(max.getByTestId('incoming-preview')).toBeVisible({ timeout: 15_000 });
  await visitor.screenshot({ path: `${SHOTS}/door-ringing.png` });
  await expect
    .poll(() =>
      max
        .getByTestId('incoming-preview')
        .evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames),
    )
    .toBeGreaterThan(5);
  await max.screenshot({ path: `${SHOTS}/incoming-call.png` });
  expect(await smallestButton(max, 'incoming-call')).toBeGreaterThanOrEqual(44);

  await olivia.getByTestId('incoming-answer').click();
  // The other phone stops ringing (how fast: bench/doorbellRing.ts, "answer -> the other sessions
  // told") and says who answered: a 4 s notice, so it is checked before the slower call screen.
  await expect(max.getByTestId('incoming-call')).toHaveCount(0, { timeout: 10_000 });
  await expect(max.getByTestId('call-answered-elsewhere')).toHaveText(/^Answered by olivia on /);
  await expect.poll(() => ringtonePlaying(max), { timeout: 10_000, intervals: [50] }).toBe(false);
  await expect(olivia.getByTestId('in-call')).toBeVisible({ timeout: 15_000 });
  expect(await ringtonePlaying(olivia)).toBe(false);
  await expect(visitor.getByTestId('door-status')).toHaveText('Answered — talking to olivia');
});

test("media both ways: the visitor's camera is decoded and each side hears the other", async () => {
  await expect(olivia.getByTestId('call-visitor-video')).toBeVisible({ timeout: 15_000 });
  // No unlock webhook configured: no Unlock button.
  await expect(olivia.getByTestId('call-unlock')).toHaveCount(0);
  await expect
    .poll(async () => (await callStats(olivia)).video.framesDecoded, { timeout: 20_000 })
    .toBeGreaterThan(10);
  await expect
    .poll(async () => (await callStats(olivia)).audio.totalAudioEnergy, { timeout: 20_000 })
    .toBeGreaterThan(0);
  await expect
    .poll(async () => (await callStats(visitor)).audio.totalAudioEnergy, { timeout: 20_000 })
    .toBeGreaterThan(0);
  // Turning the answerer's camera on shows it at the door.
  await olivia.getByTestId('call-camera').click();
  await expect(visitor.getByTestId('door-remote-video')).toBeVisible({ timeout: 15_000 });
  await expect
    .poll(async () => (await callStats(visitor)).video.framesDecoded, { timeout: 20_000 })
    .toBeGreaterThan(10);
  await visitor.screenshot({ path: `${SHOTS}/door-in-call.png` });
  await olivia.screenshot({ path: `${SHOTS}/in-call.png` });
  expect(await smallestButton(olivia, 'in-call')).toBeGreaterThanOrEqual(44);
  expect(await smallestButton(visitor, 'door-panel')).toBeGreaterThanOrEqual(44);
});

test('a quick reply shows big at the door; hanging up ends the visitor page', async () => {
  await olivia.getByTestId('quick-reply-preset').filter({ hasText: 'Coming!' }).click();
  await expect(visitor.getByTestId('door-reply')).toHaveText('Coming!');
  // Headless Chromium has no voices (like many kiosk tablets): the door plays the server's speech.
  expect(await visitor.evaluate(() => speechSynthesis.getVoices().length)).toBe(0);
  const spoken = visitor.locator('audio[data-reply-speech="Coming!"]');
  await expect(spoken).toHaveCount(1, { timeout: 10_000 });
  await expect
    .poll(() => spoken.evaluate((a: HTMLAudioElement) => a.ended || a.currentTime > 0.3), {
      timeout: 10_000,
    })
    .toBe(true);
  expect(await spoken.evaluate((a: HTMLAudioElement) => a.duration)).toBeGreaterThan(0.3);
  await olivia.getByTestId('call-hangup').click();
  await expect(visitor.getByTestId('door-status')).toHaveText('Call ended', { timeout: 10_000 });
  await expect(visitor.getByTestId('door-ring')).toHaveText('Ring again');
  await expect(olivia.getByTestId('call-result')).toContainText('Call ended');
});

test('declining on one device does not stop the other', async () => {
  await visitor.getByTestId('door-ring').click();
  await expectRinging();
  await max.getByTestId('incoming-decline').click();
  await expect(max.getByTestId('incoming-call')).toHaveCount(0);
  await expect.poll(() => ringtonePlaying(max)).toBe(false);
  // Olivia still rings, and still can answer.
  await expect(olivia.getByTestId('incoming-call')).toBeVisible();
  expect(await ringtonePlaying(olivia)).toBe(true);
  await expect(visitor.getByTestId('door-status')).toHaveText('Ringing…');
  // The visitor gives up: everyone stops.
  await visitor.getByTestId('door-hangup').click();
  await expect(visitor.getByTestId('door-status')).toHaveText('Call cancelled');
  await expect(olivia.getByTestId('incoming-call')).toHaveCount(0);
});

test('nobody answers within the ring window: "No answer" at the door', async () => {
  await updateDoor({ ringWindowSeconds: 10 });
  await visitor.getByTestId('door-ring').click();
  await expectRinging();
  // An app opened while the door rings finds the call (listActiveCalls) and rings too.
  await max.reload();
  await expect(max.getByTestId('incoming-call')).toBeVisible({ timeout: 8000 });
  await expect(visitor.getByTestId('door-status')).toHaveText('No answer', { timeout: 20_000 });
  for (const page of [olivia, max]) {
    await expect(page.getByTestId('incoming-call')).toHaveCount(0);
    expect(await ringtonePlaying(page)).toBe(false);
  }
});

test('after the missed call the visitor leaves a video message, sent at Stop', async () => {
  const missed = await latestCall();
  expect(missed.outcome).toBe('missed');
  await visitor.getByTestId('door-message-start').click();
  await expect(visitor.getByTestId('door-message-recording')).toContainText('s left', {
    timeout: 20_000,
  });
  // Recorded through the recording pipeline: wait until 2 s of it are stored.
  await expect
    .poll(
      async () => {
        const t = await ts.server.recording.index.streamTotals(`msg-${missed.callId}`);
        return t.firstTime !== null && t.lastTime !== null ? t.lastTime - t.firstTime : 0;
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThanOrEqual(2000);
  await visitor.screenshot({ path: `${SHOTS}/door-message-recording.png` });
  await visitor.getByTestId('door-message-stop').click();
  await expect(visitor.getByTestId('door-message-saved')).toContainText('Message sent', {
    timeout: 15_000,
  });
  const after = await latestCall();
  expect(after.callId).toBe(missed.callId);
  expect(after.messageSeconds).toBeGreaterThanOrEqual(2);
  expect(after.messageUrl).toMatch(/\/vod\.m3u8$/);
  // One message per call.
  await expect(visitor.getByTestId('door-message-start')).toHaveCount(0);
});

test('the doorbell device rings its own door and talks like a visitor; Unlock opens it', async () => {
  // The door's lock: a webhook that records the signed requests it gets.
  const unlocks: http.IncomingHttpHeaders[] = [];
  const lock = http.createServer((req, res) => {
    unlocks.push(req.headers);
    req.resume();
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => lock.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(lock.address() as AddressInfo).port}/unlock`;
  await updateDoor({
    ringWindowSeconds: 30,
    unlock: { url, secret: 'a-lock-secret-of-32-characters!!' },
  });
  await expect(doorbell.getByTestId('door-ring')).toBeVisible();
  await doorbell.getByTestId('door-ring').click();
  await expect(doorbell.getByTestId('door-status')).toHaveText('Ringing…', { timeout: 15_000 });
  await expectRinging();
  await max.getByTestId('incoming-answer').click();
  await expect(max.getByTestId('in-call')).toBeVisible({ timeout: 15_000 });
  await expect(olivia.getByTestId('call-answered-elsewhere')).toHaveText(/^Answered by max on /);
  await expect(doorbell.getByTestId('door-status')).toHaveText('Answered — talking to max');
  await expect
    .poll(async () => (await callStats(max)).video.framesDecoded, { timeout: 20_000 })
    .toBeGreaterThan(10);
  await expect
    .poll(async () => (await callStats(doorbell)).audio.totalAudioEnergy, { timeout: 20_000 })
    .toBeGreaterThan(0);
  // The device stays a camera meanwhile.
  await expect(doorbell.getByTestId('camera-status')).toHaveText('publishing');
  await max.getByTestId('call-unlock').click();
  await expect(max.getByTestId('call-unlock-status')).toHaveText('Door unlocked');
  expect(unlocks).toHaveLength(1);
  expect(unlocks[0]!['x-porchlight-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  await updateDoor({ unlock: null });
  lock.close();
  await doorbell.getByTestId('door-hangup').click();
  await expect(max.getByTestId('call-result')).toContainText('Call ended', { timeout: 10_000 });
});

test("a notification's Decline link (/calls/:id?action=decline) declines on load", async () => {
  await visitor.getByTestId('door-ring').click();
  await expectRinging();
  const callId = await max.getByTestId('incoming-call').getAttribute('data-call-id');
  await max.goto(`${ts.url}/calls/${callId}?action=decline`);
  await expect(max.getByTestId('call-result')).toHaveText(
    'You declined this call; others may still answer.',
    { timeout: 20_000 },
  );
  // The address forgets the action: a reload does not repeat it.
  await expect(max).toHaveURL(`${ts.url}/calls/${callId}`);
  await expect(olivia.getByTestId('incoming-call')).toBeVisible();
  // Answer from the address too.
  await olivia.goto(`${ts.url}/calls/${callId}?action=answer`);
  await expect(olivia.getByTestId('in-call')).toBeVisible({ timeout: 20_000 });
  await expect(visitor.getByTestId('door-status')).toHaveText('Answered — talking to olivia');
  await visitor.getByTestId('door-hangup').click();
  await expect(olivia.getByTestId('call-result')).toContainText('Call ended', { timeout: 10_000 });
});

test('do-not-disturb (switched on the devices page): a ring is refused with its message', async () => {
  await olivia.goto(`${ts.url}/devices`);
  const panel = olivia.getByTestId('door-panel-manage');
  await expect(panel.getByTestId('door-display-name')).toHaveValue('The Millers', {
    timeout: 20_000,
  });
  await panel.getByTestId('door-dnd').check();
  await expect(panel.getByTestId('door-settings-status')).toHaveText('Saved');
  await visitor.getByTestId('door-ring').click();
  await expect(visitor.getByTestId('door-status')).toHaveText(
    'The household does not take calls right now.',
  );
  await expect(olivia.getByTestId('incoming-call')).toHaveCount(0);
  // A page opened now says so instead of offering Ring.
  await visitor.reload();
  await expect(visitor.getByTestId('door-status')).toHaveText(
    'The household does not take calls right now.',
  );
  await expect(visitor.getByTestId('door-ring')).toHaveCount(0);
  await panel.getByTestId('door-dnd').uncheck();
  await expect(panel.getByTestId('door-dnd')).not.toBeChecked();
  await visitor.reload();
  await expect(visitor.getByTestId('door-ring')).toBeEnabled();
});

test('without camera permission the ring still goes through, with a note', async ({ browser }) => {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: PHONE });
  // The visitor refuses the permission prompt.
  await ctx.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  const page = await ctx.newPage();
  try {
    await page.goto(`${ts.url}${new URL(doorUrl).pathname}`);
    await page.getByTestId('door-ring').click();
    await expect(page.getByTestId('door-status')).toHaveText('Ringing…', { timeout: 15_000 });
    await expect(page.getByTestId('door-media-note')).toHaveText(
      /the household will not see or hear you/,
    );
    await expectRinging();
    await page.getByTestId('door-hangup').click();
    await expect(page.getByTestId('door-status')).toHaveText('Call cancelled');
  } finally {
    await ctx.close();
  }
});

test("the door's history has the calls", async () => {
  const res = await api<CallPage>(
    ts.url,
    'GET',
    `/api/v1/sites/${ts.siteId}/doors/${doorId}/calls`,
    { token: ownerToken },
  );
  expect(res.status).toBe(200);
  expect(res.body.calls.map((c) => [c.outcome, c.via])).toEqual([
    ['cancelled', 'link'], // no camera permission
    ['answered', 'link'], // answered through the address
    ['answered', 'doorbell'], // the device's own button
    ['missed', 'link'],
    ['cancelled', 'link'],
    ['answered', 'link'],
  ]);
  const first = res.body.calls[5]!;
  expect(first.answeredBy?.name).toBe('olivia');
  expect(first.durationSeconds).toBeGreaterThanOrEqual(0);
  // The snapshot the visitor's page took at ring time, served as a JPEG.
  expect(first.snapshotUrl).toBeTruthy();
  const jpeg = await fetch(new URL(first.snapshotUrl!, ts.url));
  expect(jpeg.status).toBe(200);
  expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
  // No camera, no snapshot.
  expect(res.body.calls[0]!.snapshotUrl).toBeNull();

  // The owner sees the same history on the devices page.
  const items = olivia.getByTestId('door-panel-manage').getByTestId('call-history-item');
  await olivia.getByTestId('call-history').getByRole('button', { name: 'Refresh' }).click();
  await expect(items).toHaveCount(6);
  await expect(items.last()).toHaveAttribute('data-outcome', 'answered');
  await expect(items.last()).toContainText('Answered by olivia on');
  await expect
    .poll(() =>
      items
        .last()
        .locator('img')
        .evaluate((i: HTMLImageElement) => i.naturalWidth),
    )
    .toBeGreaterThan(0);
  await expect(items.nth(3)).toContainText('Missed');
  // The visitor's message plays over HLS from the history.
  await items.nth(3).getByTestId('call-message-play').click();
  const message = items.nth(3).getByTestId('call-message-video');
  await expect
    .poll(
      () => message.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames),
      { timeout: 20_000 },
    )
    .toBeGreaterThan(10);
  expect(
    await olivia.evaluate(() => {
      const w = window as unknown as { porchlight?: { hls?: { url?: string } | null } };
      return w.porchlight?.hls?.url ?? '';
    }),
  ).toMatch(/\/vod\.m3u8$/);
  await olivia.screenshot({ path: `${SHOTS}/door-manage.png`, fullPage: true });
});

/** `HH:MM` in UTC, `minutes` from now. */
function utcClock(minutes: number): string {
  const d = new Date(Date.now() + minutes * 60_000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

test('a do-not-disturb schedule set on the devices page refuses rings during its hours', async () => {
  await olivia.goto(`${ts.url}/devices`);
  const sched = olivia.getByTestId('dnd-schedule');
  await expect(sched).toBeVisible({ timeout: 20_000 });
  await sched.getByTestId('dnd-add-period').click();
  const period = sched.getByTestId('dnd-period').last();
  // No day ticked: the editor says so and saves nothing.
  for (const day of [1, 2, 3, 4, 5]) await period.getByTestId(`dnd-day-${day}`).uncheck();
  await sched.getByTestId('dnd-save').click();
  await expect(sched.getByTestId('dnd-period-error')).toHaveText('Pick at least one day.');
  // Every day, from an hour ago to an hour from now (UTC): in force right now.
  for (const day of [0, 1, 2, 3, 4, 5, 6]) await period.getByTestId(`dnd-day-${day}`).check();
  await period.getByTestId('dnd-start').fill(utcClock(-60));
  await period.getByTestId('dnd-end').fill(utcClock(60));
  // The server checks the zone.
  await sched.getByTestId('dnd-timezone').fill('Mars/Olympus_Mons');
  await sched.getByTestId('dnd-save').click();
  await expect(sched.getByTestId('dnd-error')).toContainText('unknown time zone');
  await sched.getByTestId('dnd-timezone').fill('UTC');
  await sched.getByTestId('dnd-save').click();
  await expect(sched.getByTestId('dnd-status')).toHaveText('Saved — do not disturb is on now');
  await expect(olivia.getByTestId('door-panel-manage').locator('.door-dnd-on')).toBeVisible();

  await visitor.reload();
  await expect(visitor.getByTestId('door-status')).toHaveText(
    'The household does not take calls right now.',
  );
  await expect(visitor.getByTestId('door-ring')).toHaveCount(0);
  // A ring sent anyway (a page opened before the schedule began) is refused with the same reply.
  const link = new URL(doorUrl).pathname.split('/').pop()!;
  const refused = await api(ts.url, 'POST', '/api/v1/visit/ring', { body: { doorToken: link } });
  expect(refused.status).toBe(409);
  expect(refused.body).toMatchObject({
    error: { message: 'The household does not take calls right now.' },
  });
  await expect(olivia.getByTestId('incoming-call')).toHaveCount(0);

  // The schedule survives a reload, and removing it lets visitors ring again.
  await olivia.reload();
  await expect(sched.getByTestId('dnd-period')).toHaveCount(1, { timeout: 20_000 });
  await expect(sched.getByTestId('dnd-timezone')).toHaveValue('UTC');
  await sched.getByTestId('dnd-remove').click();
  await sched.getByTestId('dnd-save').click();
  await expect(sched.getByTestId('dnd-status')).toHaveText('Saved');
  await visitor.reload();
  await expect(visitor.getByTestId('door-ring')).toBeEnabled();
});

test('a smart lock connected on the devices page: its key shows once; test and Unlock arrive signed', async () => {
  const lock = await startLockReceiver();
  const { url: lockUrl, received } = lock;
  const signed = (key: string, r: (typeof received)[number]): boolean => lock.signedWith(key, r);
  try {
    const editor = olivia.getByTestId('unlock-webhook');
    await editor.getByTestId('unlock-url').fill('lock.local/unlock');
    await editor.getByTestId('unlock-save').click();
    await expect(editor.getByTestId('unlock-error')).toContainText('full address');
    await editor.getByTestId('unlock-url').fill(lockUrl);
    await editor.getByTestId('unlock-save').click();
    await expect(editor.getByTestId('unlock-status')).toHaveText('Saved with a new key');
    const key = (await editor.getByTestId('unlock-secret').textContent())!.trim();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await editor.getByTestId('unlock-test').click();
    await expect(editor.getByTestId('unlock-status')).toHaveText('The lock answered (HTTP 204)');
    expect(received).toHaveLength(1);
    expect(signed(key, received[0]!)).toBe(true);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ event: 'test', doorId });

    // Shown once: after a reload the address is there, the key is not.
    await olivia.reload();
    await expect(editor.getByTestId('unlock-url')).toHaveValue(lockUrl, { timeout: 20_000 });
    await expect(editor.getByTestId('unlock-secret')).toHaveCount(0);

    // In a call the answerer now has Unlock, and the lock gets a request signed with that key.
    await visitor.getByTestId('door-ring').click();
    await expectRinging();
    await olivia.getByTestId('incoming-answer').click();
    await expect(olivia.getByTestId('in-call')).toBeVisible({ timeout: 15_000 });
    await olivia.getByTestId('call-unlock').click();
    await expect(olivia.getByTestId('call-unlock-status')).toHaveText('Door unlocked');
    expect(received).toHaveLength(2);
    expect(signed(key, received[1]!)).toBe(true);
    expect(JSON.parse(received[1]!.body)).toMatchObject({
      event: 'unlock',
      doorId,
      by: { name: 'olivia' },
    });
    await olivia.getByTestId('call-hangup').click();
    await expect(visitor.getByTestId('door-status')).toHaveText('Call ended', { timeout: 10_000 });
  } finally {
    await updateDoor({ unlock: null });
    lock.close();
  }
  await olivia.goto(`${ts.url}/devices`);
});

test('door links: the owner creates, revokes and replaces them; a dead link stops ringing', async () => {
  const panel = olivia.getByTestId('door-panel-manage');
  await expect(panel.getByTestId('door-link')).toHaveCount(1);
  await expect(panel.getByTestId('door-link-url')).toHaveText(doorUrl);
  await expect(panel.getByTestId('door-link-qr')).toBeVisible();
  await panel.getByTestId('door-link-create').click();
  await expect(panel.getByTestId('door-link')).toHaveCount(2);
  const second = panel.getByTestId('door-link').nth(1);
  const secondUrl = await second.getByTestId('door-link-url').textContent();
  await second.getByTestId('door-link-revoke').click();
  await second.getByRole('button', { name: 'Revoke link' }).click();
  await expect(panel.getByTestId('door-link')).toHaveCount(1);
  await visitor.goto(`${ts.url}${new URL(secondUrl!).pathname}`);
  await expect(visitor.getByTestId('door-status')).toContainText('This door link is not valid');
  // Replacing all links stops the printed one too.
  await panel.getByTestId('door-link-rotate').click();
  await panel.getByRole('button', { name: 'Replace', exact: true }).click();
  await expect(panel.getByTestId('door-link-url')).not.toHaveText(doorUrl);
  await visitor.goto(`${ts.url}${new URL(doorUrl).pathname}`);
  await expect(visitor.getByTestId('door-status')).toContainText('This door link is not valid');
});

test.describe('rate limit', () => {
  let limited: TestServer;

  test.afterAll(async () => {
    await limited?.close();
  });

  test('ringing too often: "please wait N s", then Ring works again', async ({ browser }) => {
    // One ring per door per 8 s.
    limited = await startTestServer({
      doorbell: { ringsPerDoor: 1, ringsPerAddress: 1000, ringLimitWindowSeconds: 8 },
    });
    const owner = await limited.mint('viewer', { siteRole: 'owner' });
    const { provisioning } = limited.server.identity;
    const code = await provisioning.createCode({
      siteId: limited.siteId,
      kind: 'doorbell',
      name: 'Back door',
      createdBy: 'test',
    });
    await provisioning.redeem(code.code, {
      userAgent: 'test',
      firmware: null,
      address: '127.0.0.1',
    });
    const link = await api<{ url: string }>(
      limited.url,
      'POST',
      `/api/v1/sites/${limited.siteId}/doors/${code.deviceId}/tokens`,
      { token: owner, body: {} },
    );
    expect(link.status).toBe(201);
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, viewport: PHONE });
    const page = await ctx.newPage();
    try {
      await page.goto(`${limited.url}${new URL(link.body.url).pathname}`);
      await page.getByTestId('door-ring').click();
      await expect(page.getByTestId('door-status')).toHaveText('Ringing…', { timeout: 15_000 });
      await page.getByTestId('door-hangup').click();
      await expect(page.getByTestId('door-status')).toHaveText('Call cancelled');
      await page.getByTestId('door-ring').click();
      // The message and the disabled button, read at one instant: on a busy box the countdown may
      // run out between two separate checks.
      const waiting = () =>
        page.evaluate(() => ({
          status: document.querySelector('[data-testid="door-status"]')?.textContent ?? '',
          disabled: document.querySelector<HTMLButtonElement>('[data-testid="door-ring"]')
            ?.disabled,
        }));
      await expect
        .poll(async () => {
          const now = await waiting();
          return /^Please wait [1-8] s before ringing again\.$/.test(now.status) ? now : null;
        })
        .toMatchObject({ disabled: true });
      // The countdown runs out and the button comes back.
      await expect(page.getByTestId('door-ring')).toBeEnabled({ timeout: 12_000 });
      await page.getByTestId('door-ring').click();
      await expect(page.getByTestId('door-status')).toHaveText('Ringing…', { timeout: 15_000 });
      await page.getByTestId('door-hangup').click();
    } finally {
      await ctx.close();
    }
  });
});
