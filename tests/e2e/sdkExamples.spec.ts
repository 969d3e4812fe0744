import { expect, test, type Page } from '@playwright/test';
import wrtc from '@roamhq/wrtc';
import { PorchlightApi, type StartEvent } from '@porchlight/sdk';
import { createNodeClient, type PorchlightClient } from '@porchlight/sdk/node';
import '../support/http.ts'; // the SDK's fetch accepts the test server's self-signed certificate
import { buildWebExamples } from '../support/sdkExamples.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { syntheticCamera, YUV } from '../support/wrtc.ts';
import { audioMeter } from '../support/wrtcAudio.ts';
import { expectVideoAdvancing, newPage } from './helpers.ts';

/**
 * The SDK's browser examples (packages/sdk/examples), built as their READMEs say and served by a
 * real server: the plain-HTML viewer on the standalone bundle, and the React app on
 * @porchlight/sdk/react. A Node camera (the SDK over @roamhq/wrtc) publishes a red picture; each
 * example must show it live.
 */
let ts: TestServer;
let camera: PorchlightClient;
let cameraId: string;
let cameraToken: string;
let stopSource: () => void;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const appsDir = buildWebExamples();
  ts = await startTestServer({ recording: { defaultMode: 'continuous' } }, { appsDir });
  const minted = await ts.mintWithId('camera', { label: 'Porch' });
  cameraId = minted.id;
  cameraToken = minted.token;
  camera = createNodeClient({
    url: ts.url,
    token: minted.token,
    wrtc,
    socketOptions: { rejectUnauthorized: false },
  });
  await camera.connect();
  const source = syntheticCamera(320, 240, YUV.red);
  stopSource = source.stop;
  await camera.publish(source.track, { source: 'camera', simulcast: false });
});
test.afterAll(async () => {
  stopSource?.();
  camera?.close();
  await ts?.close();
});

/** A person detection as a camera reports it. */
function personAt(at: number, maxScore: number): StartEvent {
  return {
    label: 'person',
    startedAt: at,
    maxScore,
    zones: [],
    track: [{ t: at, box: [0.4, 0.2, 0.15, 0.5], score: maxScore }],
    detector: { backend: 'wasm', model: 'centernet-512', msPerFrame: 163 },
  };
}

/** The live video's centre pixel, once it has a picture. */
async function centrePixel(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid="live-video"]');
    if (!v || v.videoWidth === 0) return [];
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    const g = c.getContext('2d', { willReadFrequently: true })!;
    g.drawImage(v, 0, 0);
    return [...g.getImageData(c.width >> 1, c.height >> 1, 1, 1).data.slice(0, 3)];
  });
}

/** Decoded frames keep coming and they show the camera's red picture (not black, not grey). */
async function expectRedCameraLive(page: Page): Promise<void> {
  await expectVideoAdvancing(page, undefined, 30_000);
  await expect
    .poll(
      async () => {
        const [r = 0, g = 255, b = 255] = await centrePixel(page);
        return r > 180 && g < 80 && b < 80;
      },
      { timeout: 15_000, message: 'the centre of the live video is red (the camera picture)' },
    )
    .toBe(true);
}

test('the plain-HTML viewer signs in with a token and shows the camera live', async ({
  browser,
}) => {
  const token = await ts.mint('viewer', { label: 'Integrator' });
  const page = await newPage(
    browser,
    `${ts.url}/viewer/index.html#token=${encodeURIComponent(token)}&site=${ts.siteId}`,
  );
  await expect(page.getByTestId('status')).toHaveText('connected');
  await expect(page.getByTestId('camera')).toHaveText('Porch');
  await expectRedCameraLive(page);
  // The token left the address bar once used.
  expect(page.url()).not.toContain('token=');
});

test('the React example lists cameras, shows one live, its recordings and its events as they happen', async ({
  browser,
}) => {
  const token = await ts.mint('viewer', { label: 'Integrator' });
  // An event before the page opens (listed at load) and one while it is open (the client's
  // detection notification makes useEvents reload).
  const cameraApi = new PorchlightApi({ url: ts.url, getToken: () => cameraToken });
  await cameraApi.startEvent(cameraId, personAt(Date.now() - 60_000, 0.71));
  const page = await newPage(
    browser,
    `${ts.url}/react/index.html#token=${encodeURIComponent(token)}&site=${ts.siteId}`,
  );
  await expect(page.getByTestId('connection-state')).toHaveText('connected');
  await expect(page.getByTestId('cameras').getByRole('button')).toHaveText(['Porch']);
  await expectRedCameraLive(page);
  await expect(page.getByTestId('event')).toHaveCount(1);
  await expect(page.getByTestId('event')).toContainText('person');
  await cameraApi.startEvent(cameraId, personAt(Date.now(), 0.93));
  await expect(page.getByTestId('event')).toHaveCount(2);
  await expect(page.getByTestId('event').first()).toContainText('0.93');
  // useRecordings: the camera is recorded continuously; a refresh asks for the last hour again.
  await expect
    .poll(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return Number(await page.getByTestId('recorded-seconds').textContent());
      },
      { timeout: 30_000, message: 'seconds recorded, as the page shows them' },
    )
    .toBeGreaterThanOrEqual(2);
});

test('the React example talks to the camera while "Hold to talk" is held (useTalk)', async ({
  browser,
}) => {
  // The camera listens to talk-back addressed to it, as a camera app does.
  let meter: ReturnType<typeof audioMeter> | undefined;
  const offs = [
    camera.on('producerAdded', (p) => {
      if (p.source !== 'talkback') return;
      void camera.watch(p.producerId).then((sub) => {
        if (sub.track) meter = audioMeter(sub.track);
      });
    }),
  ];
  try {
    const token = await ts.mint('viewer', { label: 'Integrator' });
    const page = await newPage(
      browser,
      `${ts.url}/react/index.html#token=${encodeURIComponent(token)}&site=${ts.siteId}`,
    );
    await expect(page.getByTestId('connection-state')).toHaveText('connected');
    await expectVideoAdvancing(page, undefined, 30_000);
    const button = page.getByRole('button', { name: 'Hold to talk' });
    await button.dispatchEvent('pointerdown');
    await expect(page.getByTestId('talking')).toHaveText('talking');
    // The page's (fake) microphone is heard at the camera: a frame of its tone louder than RMS 500
    // arrived (silence is ~0; the tone ~2,900 before the browser's audio processing, whose noise
    // suppression fades a steady tone, so the decaying level alone can be missed by a poll).
    await expect
      .poll(() => meter?.state.firstLoudAt ?? 0, {
        timeout: 20_000,
        message: 'a talk-back frame louder than RMS 500 at the camera',
      })
      .toBeGreaterThan(0);
    await button.dispatchEvent('pointerup');
    await expect(page.getByTestId('talking')).toHaveText('not talking');
    await expect
      .poll(() => camera.producers.find((p) => p.source === 'talkback')?.paused, {
        message: 'talk-back paused at the camera once released',
      })
      .toBe(true);
  } finally {
    offs.forEach((off) => off());
    meter?.stop();
  }
});
