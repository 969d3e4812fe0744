import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, expect, test, type Page } from '@playwright/test';
import { PorchlightApi, type EventView, type StartEvent } from '@porchlight/sdk';
import '../support/http.ts';
import { FIXTURE_DIR } from '../support/fixtures.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { logIn, openCamera } from './helpers.ts';
import { expectPlaying, player } from './recordingHelpers.ts';

/**
 * Person detection in the home app, as an owner meets it: draws a zone on a still of the live
 * camera and saves it (it survives a reload); events the camera reports through the SDK (with
 * its own device token) appear in /events with their snapshot, the filters narrow the list,
 * tapping one plays the recording from the event's playFrom with the event marked on the
 * timeline, and an event starting while the app is open shows an in-app alert. A phone-sized
 * screenshot of each screen is kept in test-results/detection/.
 */

test.describe.configure({ mode: 'serial' });

const OWNER = { email: 'owner@example.com', password: 'owner-password-1' };
const SHOTS = path.join('test-results', 'detection');

let ts: TestServer;
let camera: Page;
let owner: Page;
let front: { code: string; deviceId: string };
/** The SDK as the front camera (its own device token) and as a second camera. */
let frontApi: PorchlightApi;
let garage: { api: PorchlightApi; id: string };
let ownerApi: PorchlightApi;

async function deviceApi(deviceId: string): Promise<PorchlightApi> {
  const device = await ts.server.store.devices.get(deviceId);
  if (!device) throw new Error(`no device ${deviceId}`);
  const { token } = await ts.server.identity.accessTokens.issueDevice(device);
  return new PorchlightApi({ url: ts.url, getToken: () => Promise.resolve(token) });
}

/** A JPEG of what the camera films (SMPTE bars), as the detector's snapshot would be. */
async function cameraJpeg(): Promise<Uint8Array> {
  const base64 = await camera.evaluate(async () => {
    const video = document.querySelector<HTMLVideoElement>('.preview video');
    if (!video || video.videoWidth === 0) throw new Error('no preview frame');
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = Math.round((640 * video.videoHeight) / video.videoWidth);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = '#ff3b3b';
    ctx.lineWidth = 4;
    ctx.strokeRect(260, 90, 120, 240);
    const blob = await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), 'image/jpeg', 0.8));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text);
  });
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

function startOf(at: number, zones: string[], maxScore: number): StartEvent {
  return {
    label: 'person',
    startedAt: at,
    maxScore,
    zones,
    track: [
      { t: at, box: [0.4, 0.2, 0.15, 0.5], score: maxScore },
      { t: at + 500, box: [0.42, 0.2, 0.15, 0.5], score: maxScore - 0.05 },
    ],
    detector: { backend: 'wasm', model: 'centernet-512', msPerFrame: 163 },
  };
}

/** A whole event as a camera reports it: start, snapshot, end. */
async function report(
  api: PorchlightApi,
  deviceId: string,
  o: { at: number; zones: string[]; score: number; snapshot: Uint8Array | null; endMs: number },
): Promise<EventView> {
  const { eventId } = await api.startEvent(deviceId, startOf(o.at, o.zones, o.score));
  if (o.snapshot) await api.putEventSnapshot(deviceId, eventId, o.snapshot);
  return api.updateEvent(deviceId, eventId, { endedAt: o.at + o.endMs });
}

async function phoneShot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * Pedestrians (opencv-doc's vtest.avi, from scripts/detection-fixtures.sh) as a 10 fps y4m for
 * Chromium's fake camera: 20 s, looped by Chromium. Generated once into the fixture cache.
 */
function pedestriansY4m(): string {
  const out = path.join(FIXTURE_DIR, 'vtest-640x480-10fps.y4m');
  if (fs.existsSync(out)) return out;
  execFileSync('bash', ['scripts/detection-fixtures.sh'], { stdio: 'ignore' });
  const source = path.join(path.dirname(FIXTURE_DIR), 'opencv-doc', 'vtest.avi');
  const tmp = `${out}.${process.pid}.tmp.y4m`;
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    source,
    '-t',
    '20',
    '-vf',
    'scale=640:480,fps=10',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'yuv4mpegpipe',
    tmp,
  ]);
  fs.renameSync(tmp, out);
  return out;
}

test.beforeAll(async ({ browser }) => {
  // Continuous recording: the events' playFrom lies in recorded video.
  ts = await startTestServer({
    recording: { defaultMode: 'continuous' },
    detection: { enabledByDefault: true },
  });
  await ts.createPerson({ ...OWNER, siteRole: 'owner' });
  front = await ts.provisioningCode({ name: 'Front door' });
  camera = await openCamera(browser, ts.url, front.code);
  owner = await logIn(browser, ts.url, OWNER.email, OWNER.password);
  frontApi = await deviceApi(front.deviceId);
  const g = await ts.mintWithId('camera', { label: 'Garage' });
  garage = { api: await deviceApi(g.id), id: g.id };
  const ownerToken = await ts.mint('viewer', { siteRole: 'owner' });
  ownerApi = new PorchlightApi({ url: ts.url, getToken: () => Promise.resolve(ownerToken) });
});

test.afterAll(async () => {
  await camera?.context().close();
  await owner?.context().close();
  await ts?.close();
});

test('an owner draws a zone on a still of the live camera, saves it, and finds it after a reload', async () => {
  await owner.getByTestId('tab-devices').click();
  await owner
    .locator(`[data-testid="device-row"][data-device-id="${front.deviceId}"]`)
    .getByTestId('device-detection')
    .click();
  await expect(owner).toHaveURL(new RegExp(`/cameras/${front.deviceId}/detection$`));
  // Every setting is shown with its default, and the detector has not reported yet.
  await expect(owner.getByTestId('detection-enabled')).toBeChecked();
  await expect(owner.getByTestId('detection-minScore')).toHaveValue('0.35');
  await expect(owner.getByTestId('detector-info')).toContainText('has not reported');
  // The still is a real frame of the camera.
  const still = owner.getByTestId('zone-still');
  await expect(still).toBeVisible({ timeout: 20_000 });
  await expect
    .poll(() => still.evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBeGreaterThan(0);

  const surface = owner.getByTestId('zone-surface');
  const box = (await surface.boundingBox())!;
  const click = (x: number, y: number) =>
    surface.click({ position: { x: box.width * x, y: box.height * y } });
  await click(0.1, 0.6);
  await click(0.5, 0.6);
  await click(0.5, 0.95);
  await expect(owner.getByTestId('zone-handle')).toHaveCount(3);
  // Drag the last point; then move it by keyboard.
  const handle = owner.getByTestId('zone-handle').nth(2);
  const h = (await handle.boundingBox())!;
  await owner.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
  await owner.mouse.down();
  await owner.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.95, { steps: 5 });
  await owner.mouse.up();
  await handle.focus();
  await owner.keyboard.press('ArrowUp');
  await owner.getByTestId('zone-name').fill('Front path');
  // A mask drawn with the keyboard only: "+ Point" focuses the new point, arrows move it.
  await owner.getByTestId('mask-add').click();
  for (const key of ['Shift+ArrowDown', 'Shift+ArrowUp', 'Shift+ArrowDown']) {
    await owner.getByTestId('zone-point-add').click();
    await owner.keyboard.press(key);
  }
  await owner.getByTestId('detection-minScore').fill('0.4');
  await owner.getByTestId('detection-save').click();
  await expect(owner.getByTestId('detection-saved')).toBeVisible();

  const saved = await ownerApi.getDetectionSettings(front.deviceId);
  expect(saved.settings.minScore).toBe(0.4);
  expect(saved.settings.zones).toHaveLength(1);
  const zone = saved.settings.zones[0]!;
  expect(zone.name).toBe('Front path');
  const [a, b, c] = zone.points;
  expect(a![0]).toBeCloseTo(0.1, 1);
  expect(a![1]).toBeCloseTo(0.6, 1);
  expect(b![0]).toBeCloseTo(0.5, 1);
  // Dragged to (0.1, 0.95), then one arrow-key step (1 %) up.
  expect(c![0]).toBeCloseTo(0.1, 1);
  expect(c![1]).toBeCloseTo(0.94, 1);
  expect(saved.settings.masks).toEqual([
    [
      [0.5, 0.55],
      [0.55, 0.5],
      [0.6, 0.55],
    ],
  ]);

  await owner.reload();
  await expect(owner.getByTestId('zone-name')).toHaveValue('Front path');
  await expect(owner.getByTestId('detection-minScore')).toHaveValue('0.4');

  await owner.setViewportSize({ width: 390, height: 844 });
  await owner.locator('[data-testid="zone-row"][data-kind="zone"] .zone-row__pick').click();
  await expect(owner.getByTestId('zone-handle')).toHaveCount(3);
  for (const target of await owner.getByTestId('zone-handle').all()) {
    const t = (await target.boundingBox())!;
    expect(Math.min(t.width, t.height)).toBeGreaterThanOrEqual(44);
  }
  await expect(owner.getByTestId('zone-still')).toBeVisible({ timeout: 20_000 });
  await phoneShot(owner, 'settings-390');
  await owner.setViewportSize({ width: 1280, height: 720 });
});

test('reported events are listed with their snapshot, filter by zone and camera, and play from playFrom', async () => {
  const jpeg = await cameraJpeg();
  // Recorded video exists from before the first event's pre-roll (>= 5 s before it).
  await expect
    .poll(
      async () => {
        const now = Date.now();
        const t = await ownerApi.getRecordingTimeline(ts.siteId, front.deviceId, {
          from: now - 60_000,
          to: now,
        });
        return Math.min(...t.ranges.map((r) => r.from), now) <= now - 14_000;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  const now = Date.now();
  const inZone = await report(frontApi, front.deviceId, {
    at: now - 4000,
    zones: ['Front path'],
    score: 0.72,
    snapshot: jpeg,
    endMs: 3000,
  });
  const outside = await report(frontApi, front.deviceId, {
    at: now - 2000,
    zones: [],
    score: 0.51,
    snapshot: null,
    endMs: 1500,
  });
  await report(garage.api, garage.id, {
    at: now - 1000,
    zones: [],
    score: 0.6,
    snapshot: jpeg,
    endMs: 800,
  });
  // A camera may not report for another one.
  await expect(frontApi.startEvent(garage.id, startOf(now, [], 0.5))).rejects.toThrow();

  await owner.goto(`${ts.url}/`);
  await owner.getByTestId('open-events').click();
  await expect(owner).toHaveURL(/\/events$/);
  const items = owner.getByTestId('event-item');
  await expect(items).toHaveCount(3);
  const first = owner.locator(`[data-event-id="${inZone.id}"]`);
  await expect(first.getByTestId('event-camera')).toHaveText('Front door');
  await expect(first.getByTestId('event-score')).toHaveText('72 %');
  await expect(first.getByTestId('event-duration')).toHaveText('3 s');
  await expect(first.getByTestId('event-zones')).toHaveText('Front path');
  await expect
    .poll(() =>
      first.getByTestId('event-snapshot').evaluate((img: HTMLImageElement) => img.naturalWidth),
    )
    .toBe(640);
  await expect(owner.locator(`[data-event-id="${outside.id}"]`)).toBeVisible();

  await owner.getByTestId('events-zone').fill('Front path');
  await owner.getByTestId('events-zone').press('Enter');
  await expect(items).toHaveCount(1);
  await expect(owner).toHaveURL(/zone=Front\+path/);
  await owner.getByTestId('events-clear').click();
  await expect(items).toHaveCount(3);
  await owner.getByTestId('events-camera').selectOption(garage.id);
  await expect(items).toHaveCount(1);
  await expect(items.getByTestId('event-camera')).toHaveText('Garage');
  await owner.getByTestId('events-camera').selectOption(front.deviceId);
  await expect(items).toHaveCount(2);
  // Time: up to an hour ago there was nothing; "Any time" brings them back.
  const hourAgo = await owner.evaluate(() => {
    const ms = Date.now() - 3_600_000;
    return new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  });
  await owner.getByTestId('events-to').fill(hourAgo);
  await expect(owner.getByTestId('events-empty')).toHaveText('No events match these filters.');
  await expect(items).toHaveCount(0);
  await owner.getByTestId('events-when').selectOption('any');
  await expect(items).toHaveCount(2);
  await owner.getByTestId('events-when').selectOption('hour');
  await expect(items).toHaveCount(2);

  await owner.setViewportSize({ width: 390, height: 844 });
  await phoneShot(owner, 'events-390');
  await owner.setViewportSize({ width: 1280, height: 720 });

  const clickedAt = Date.now();
  await first.getByTestId('event-play').click();
  await expect(owner).toHaveURL(new RegExp(`/timeline/${front.deviceId}\\?t=${inZone.playFrom}$`));
  await expectPlaying(owner);
  const state = await player(owner);
  expect(state.playingDate).not.toBeNull();
  // Plays from the event's pre-roll start (within a segment: playback starts at a keyframe), and
  // has played on since at most as long as the wall clock ran (a loaded box reads it late).
  expect(state.playingDate! - inZone.playFrom).toBeGreaterThan(-5000);
  expect(state.playingDate! - inZone.playFrom).toBeLessThan(5000 + (Date.now() - clickedAt));
  await expect(
    owner.locator(`[data-testid="timeline-event"][data-event-id="${inZone.id}"]`),
  ).toBeVisible();
});

test('the camera page runs the detector while enabled and stops when the owner turns it off', async () => {
  const status = camera.getByTestId('detection-status');
  await expect(status).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect(status).toHaveText(/detections\/s · wasm · \d+ ms\/frame/, { timeout: 20_000 });
  // The adaptive budget follows the camera's own encoder (its outbound-rtp frame rate).
  await expect(status).toHaveText(/CPU budget \d+ % of a core \([^)]*encoder \d+\/\d+ fps/, {
    timeout: 20_000,
  });
  await camera.setViewportSize({ width: 390, height: 844 });
  await phoneShot(camera, 'camera-390');
  test.info().annotations.push({ type: 'camera detector', description: await status.innerText() });
  await ownerApi.putDetectionSettings(front.deviceId, { enabled: false });
  await expect(status).toHaveAttribute('data-state', 'off');
  await ownerApi.putDetectionSettings(front.deviceId, { enabled: true });
  await expect(status).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
});

test('an event that starts while the app is open shows an in-app alert; the push address shows it first', async () => {
  await owner.goto(`${ts.url}/`);
  await expect(owner.getByTestId('connection-state')).toHaveText('connected', { timeout: 20_000 });
  const { eventId } = await frontApi.startEvent(
    front.deviceId,
    startOf(Date.now() - 500, ['Front path'], 0.66),
  );
  const toast = owner.getByTestId('detection-toast');
  await expect(toast).toContainText('Person at Front door');
  await expect(toast).toContainText('Front path');
  await owner.setViewportSize({ width: 390, height: 844 });
  await phoneShot(owner, 'alert-390');
  await owner.setViewportSize({ width: 1280, height: 720 });
  await toast.locator('.detection-toast__open').click();
  await expect(owner).toHaveURL(new RegExp(`/timeline/${front.deviceId}\\?t=\\d+`));
  await frontApi.updateEvent(front.deviceId, eventId, { endedAt: Date.now() });
  // The Web Push notification of the same event opens /events?event=<id>: it is shown first.
  await owner.goto(`${ts.url}/events?event=${eventId}`);
  const pinned = owner.getByTestId('events-pinned');
  await expect(pinned.getByTestId('event-camera')).toHaveText('Front door');
  await expect(pinned.getByTestId('event-zones')).toHaveText('Front path');
  await pinned.getByTestId('event-play').click();
  await expect(owner).toHaveURL(new RegExp(`/timeline/${front.deviceId}\\?t=\\d+`));
});

test('a camera filming pedestrians reports an event by itself: listed with its snapshot, zones and detector', async () => {
  test.setTimeout(240_000);
  const args = (test.info().project.use.launchOptions?.args ?? []).map((a) =>
    a.startsWith('--use-file-for-fake-video-capture=')
      ? `--use-file-for-fake-video-capture=${pedestriansY4m()}`
      : a,
  );
  const walkway = await ts.provisioningCode({ name: 'Walkway' });
  // The lower half of the frame is the "Pavement" zone: vtest's people walk there.
  await ownerApi.putDetectionSettings(walkway.deviceId, {
    zones: [
      {
        name: 'Pavement',
        points: [
          [0, 0.4],
          [1, 0.4],
          [1, 1],
          [0, 1],
        ],
      },
    ],
  });
  const other = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
  try {
    const cam = await openCamera(other, ts.url, walkway.code);
    await expect(cam.getByTestId('detection-status')).toHaveAttribute('data-state', 'running', {
      timeout: 60_000,
    });
    let event: EventView | undefined;
    await expect
      .poll(
        async () => {
          const page = await ownerApi.listEvents({ deviceId: walkway.deviceId });
          event = page.events.find((e) => e.snapshotUrl !== null);
          return event !== undefined;
        },
        { timeout: 150_000, intervals: [2000] },
      )
      .toBe(true);
    expect(event!.deviceName).toBe('Walkway');
    // Detections under the default minScore (0.35) never reach an event.
    expect(event!.maxScore).toBeGreaterThanOrEqual(0.35);
    expect(event!.zones).toContain('Pavement');
    expect(event!.detector.backend).toBe('wasm');
    test.info().annotations.push({
      type: 'pedestrian event',
      description: JSON.stringify({
        maxScore: event!.maxScore,
        zones: event!.zones,
        detector: event!.detector,
        status: await cam.getByTestId('detection-status').innerText(),
      }),
    });
    await owner.goto(`${ts.url}/events?camera=${walkway.deviceId}`);
    const item = owner.locator(`[data-event-id="${event!.id}"]`);
    await expect(item.getByTestId('event-camera')).toHaveText('Walkway');
    await expect
      .poll(() =>
        item.getByTestId('event-snapshot').evaluate((img: HTMLImageElement) => img.naturalWidth),
      )
      .toBeGreaterThan(0);
    await owner.setViewportSize({ width: 390, height: 844 });
    await phoneShot(owner, 'pedestrian-event-390');
    await owner.setViewportSize({ width: 1280, height: 720 });
    // The settings screen now shows what the camera's detector reported.
    await owner.goto(`${ts.url}/cameras/${walkway.deviceId}/detection`);
    await expect(owner.getByTestId('detector-backend')).toHaveText('wasm');
  } finally {
    await other.close();
  }
});
