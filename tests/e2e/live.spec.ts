import { expect, test, type Page } from '@playwright/test';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { expectVideoAdvancing, logIn, openCamera, sampleBars, statsOf } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

let ts: TestServer;
let camera: Page;
let viewer: Page;

async function liveProducerId(page: Page): Promise<string> {
  const id = await page.getByTestId('live-video').first().getAttribute('data-producer-id');
  expect(id).toBeTruthy();
  return id!;
}

test.beforeAll(async ({ browser }) => {
  // Two workers, as on a 2-core box: a killed worker's site moves to the other one.
  ts = await startTestServer({ media: { numWorkers: 2 } });
  // The real flows: a provisioning link turns a browser into a camera; a person logs in.
  camera = await openCamera(
    browser,
    ts.url,
    (await ts.provisioningCode({ name: 'Front door' })).code,
  );
  await ts.createPerson({
    email: 'owner@example.com',
    password: 'owner-password-1',
    siteRole: 'owner',
  });
  viewer = await logIn(browser, ts.url, 'owner@example.com', 'owner-password-1');
});

test.afterAll(async () => {
  await camera?.context().close();
  await viewer?.context().close();
  await ts?.close();
});

test('viewer decodes the camera: frames grow and the picture is the test pattern', async () => {
  await expect(viewer.getByTestId('live-video')).toHaveCount(1, { timeout: 20_000 });
  await expect
    .poll(async () => (await statsOf(viewer)).video.framesDecoded, { timeout: 20_000 })
    .toBeGreaterThan(0);
  const first = (await statsOf(viewer)).video.framesDecoded;
  await expect
    .poll(async () => (await statsOf(viewer)).video.framesDecoded)
    .toBeGreaterThan(first + 10);
  await expectVideoAdvancing(viewer);
  await expect.poll(async () => (await sampleBars(viewer)).ok, { timeout: 15_000 }).toBe(true);
});

test('the camera publishes H264 with simulcast, and the viewer picks the layer by tile size', async () => {
  const room = ts.server.rooms.rooms.get(ts.siteId)!;
  const videoId = await liveProducerId(viewer);
  const video = room.findProducer(videoId);
  expect(video.rtpParameters.codecs[0]?.mimeType).toBe('video/H264');
  // 640x480 source: two simulcast layers (320x240 and 640x480).
  expect(video.rtpParameters.encodings).toHaveLength(2);

  const consumer = () => room.consumersOf(videoId)[0]!;
  expect(consumer().type).toBe('simulcast');
  // A small tile asks for the low layer, a large one for the high layer.
  await viewer.setViewportSize({ width: 360, height: 640 });
  await expect.poll(() => consumer().preferredLayers?.spatialLayer, { timeout: 10_000 }).toBe(0);
  await viewer.setViewportSize({ width: 1280, height: 800 });
  await expect
    .poll(() => consumer().preferredLayers?.spatialLayer, { timeout: 10_000 })
    .toBeGreaterThan(0);
  await expect
    .poll(() => consumer().currentLayers?.spatialLayer, { timeout: 10_000 })
    .toBeGreaterThan(0);
});

test("push-to-talk: the viewer's microphone is heard at the camera", async () => {
  expect((await statsOf(camera)).audio.totalAudioEnergy).toBe(0);
  const ptt = viewer.getByTestId('ptt').first();
  // A real press: hover, then hold the mouse button down.
  await ptt.hover();
  await viewer.mouse.down();
  await expect(camera.getByTestId('talking-indicator')).toBeVisible();
  await expect
    .poll(async () => (await statsOf(camera)).audio.totalAudioEnergy, { timeout: 20_000 })
    .toBeGreaterThan(0);
  await viewer.mouse.up();
});

// The recovery time is annotated (recovery-ms); the bound leaves room for a busy box (5 s failed once
// under two suites at once).
test('worker killed mid-session: the viewer sees video again within 15 s without reloading', async () => {
  await viewer.evaluate(() => ((window as unknown as { loadMark: number }).loadMark = 42));
  const before = await liveProducerId(viewer);
  const room = ts.server.rooms.rooms.get(ts.siteId);
  expect(room).toBeTruthy();
  const pid = room!.workerPid;
  const workersBefore = ts.server.pool.slots.map((s) => s.worker.pid);
  expect(workersBefore).toContain(pid);

  const t0 = Date.now();
  process.kill(pid, 'SIGKILL');
  // A new producer (the camera re-published) whose frames advance in the same page.
  await expect
    .poll(async () => viewer.getByTestId('live-video').first().getAttribute('data-producer-id'), {
      timeout: 15_000,
    })
    .not.toBe(before);
  const after = await liveProducerId(viewer);
  // Frames advance between two polls: only new media can do that, the old worker is dead.
  await expectVideoAdvancing(viewer, after, Math.max(200, 15_000 - (Date.now() - t0)), 100);
  const recoveryMs = Date.now() - t0;
  test.info().annotations.push({ type: 'recovery-ms', description: String(recoveryMs) });
  expect(recoveryMs).toBeLessThan(15_000);
  expect(await viewer.evaluate(() => (window as unknown as { loadMark?: number }).loadMark)).toBe(
    42,
  );

  // The dead worker was replaced: the pool is whole again with a new process.
  await expect
    .poll(() => ts.server.pool.slots.length, { timeout: 10_000 })
    .toBe(workersBefore.length);
  expect(ts.server.pool.slots.map((s) => s.worker.pid)).not.toContain(pid);
  await expect.poll(async () => (await sampleBars(viewer)).ok, { timeout: 15_000 }).toBe(true);
});

test("the viewer's socket drops: it reconnects and resumes", async () => {
  const sockets = [...ts.server.signaling.io.sockets.sockets.values()].filter(
    (s) => s.data.principal.kind === 'account',
  );
  expect(sockets).toHaveLength(1);
  const before = sockets[0]!.id;
  // Kill the transport under the socket (what a network drop looks like), not a polite disconnect.
  sockets[0]!.conn.close();
  await expect
    .poll(
      () =>
        [...ts.server.signaling.io.sockets.sockets.values()].some(
          (s) => s.data.principal.kind === 'account' && s.id !== before,
        ),
      { timeout: 15_000 },
    )
    .toBe(true);
  await expect(viewer.getByTestId('connection-state')).toHaveText('connected', { timeout: 15_000 });
  await expectVideoAdvancing(viewer);
  await expect.poll(async () => (await sampleBars(viewer)).ok, { timeout: 15_000 }).toBe(true);
});
