import fs from 'node:fs';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { PorchlightApi, type DeviceDetection, type EventView } from '@porchlight/sdk';
import { chromiumArgs } from '../../playwright.config.ts';
import { personAppearsClip } from '../support/detectionClips.ts';
// Node's fetch trusts the test certificate.
import '../support/http.ts';
import { api as rawApi } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { logIn, openCamera } from './helpers.ts';

/**
 * Detection on the server, end to end: a camera set to `runOn: 'server'` does not detect in its
 * own page; the server's detector host (a real Chromium the server launches, consuming the
 * camera over WebRTC from the real SFU) reports a person event with its snapshot. The host's
 * token is refused for another camera and other routes; a killed Chromium is restarted and
 * detects again; switching the camera back to 'camera' stops the host.
 */
test.describe.configure({ mode: 'serial' });

let ts: TestServer;
let owner: PorchlightApi;
let browser: Browser | undefined;

test.beforeAll(async () => {
  ts = await startTestServer({ detection: { host: { enabled: true } } });
  const token = await ts.mint('viewer', { siteRole: 'owner', label: 'Olivia' });
  owner = new PorchlightApi({ url: ts.url, getToken: () => Promise.resolve(token) });
});

test.afterAll(async () => {
  await browser?.close();
  await ts?.close();
});

const hosting = () => ts.server.detection.hosting!;
const view = (deviceId: string): Promise<DeviceDetection> => owner.getDetectionSettings(deviceId);
const events = async (deviceId: string): Promise<EventView[]> =>
  (await owner.listEvents({ deviceId })).events;

/** The host's own report for the camera: running with detections counted. */
async function hostDetecting(deviceId: string): Promise<boolean> {
  const v = await view(deviceId);
  return v.runsOn === 'server' && (v.server?.detectionsPerSecond ?? 0) > 0;
}

test('a camera that leaves detection to the server gets its person events from the detector host', async () => {
  test.setTimeout(240_000);
  const { code, deviceId } = await ts.provisioningCode({ name: 'Old phone' });
  const args = chromiumArgs.map((a) =>
    a.startsWith('--use-file-for-fake-video-capture=')
      ? `--use-file-for-fake-video-capture=${personAppearsClip()}`
      : a,
  );
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
  const page: Page = await openCamera(browser, ts.url, code);
  const other = await ts.mintWithId('camera', { label: 'Not assigned' });

  // Nothing needs the host yet: no Chromium of the server's.
  expect(hosting().host?.pid ?? null).toBeNull();
  await owner.putDetectionSettings(deviceId, { enabled: true, runOn: 'server' });
  // The camera's page leaves it to the server (it never starts its own detector)...
  await expect(page.getByTestId('detection-status')).toHaveAttribute('data-state', 'server');
  // ... and the server's Chromium analyses its video.
  await expect
    .poll(() => hostDetecting(deviceId), { timeout: 90_000, intervals: [1000] })
    .toBe(true);
  const firstPid = hosting().host!.pid!;

  // Nothing secret on the command line: its one-time code was used up by the page.
  const cmdline = fs.readFileSync(`/proc/${firstPid}/cmdline`, 'utf8');
  const launchCode = /#code=([A-Za-z0-9_-]+)/.exec(cmdline)?.[1];
  expect(launchCode).toBeDefined();
  expect(
    (await rawApi(ts.url, 'POST', '/api/v1/detector-host/session', { body: { code: launchCode } }))
      .status,
  ).toBe(401);

  // A person event for that camera, with its snapshot, marked as detected on the server.
  let event: EventView | undefined;
  await expect
    .poll(
      async () => {
        event = (await events(deviceId)).find((e) => e.snapshotUrl !== null);
        return event !== undefined;
      },
      { timeout: 90_000, intervals: [1000] },
    )
    .toBe(true);
  expect(event!.detector.where).toBe('server');
  expect(event!.detector.backend).toBe('wasm');
  const snap = await fetch(new URL(event!.snapshotUrl!, ts.url));
  expect(snap.status).toBe(200);
  expect(snap.headers.get('content-type')).toBe('image/jpeg');
  expect((await snap.arrayBuffer()).byteLength).toBeGreaterThan(2000);
  // The camera's own page reported nothing: its detector never ran.
  await expect(page.getByTestId('detection-status')).toHaveAttribute('data-state', 'server');

  // The host's token (a fresh one of the running launch) does only what it is for.
  const { token } = hosting().credentials.issue(hosting().credentials.current!);
  const as = (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) =>
    rawApi(ts.url, method, path, { token, ...(body !== undefined ? { body } : {}) });
  expect((await as('GET', `/api/v1/devices/${deviceId}/detection`)).status).toBe(200);
  expect((await as('GET', `/api/v1/devices/${other.id}/detection`)).status).toBe(403);
  expect(
    (
      await as('POST', `/api/v1/devices/${other.id}/events`, {
        label: 'person',
        startedAt: Date.now(),
        maxScore: 0.7,
        zones: [],
        track: [],
        detector: { backend: 'wasm', model: 'centernet-512', msPerFrame: 200 },
      })
    ).status,
  ).toBe(403);
  expect(
    (await as('PUT', `/api/v1/devices/${deviceId}/detection`, { enabled: false })).status,
  ).toBe(403);
  for (const path of [
    '/api/v1/me',
    '/api/v1/sites',
    '/api/v1/events',
    `/api/v1/sites/${ts.siteId}/devices`,
  ])
    expect((await as('GET', path)).status, path).toBe(403);
  // Nobody else's credential opens the host's routes.
  expect(
    (await rawApi(ts.url, 'GET', '/api/v1/detector-host/assignment', { token: other.token }))
      .status,
  ).toBe(401);

  // Chromium dies: the server starts it again and detection resumes.
  process.kill(-firstPid, 'SIGKILL');
  await expect.poll(() => hosting().host?.pid ?? firstPid, { timeout: 30_000 }).not.toBe(firstPid);
  await expect
    .poll(() => hostDetecting(deviceId), { timeout: 90_000, intervals: [1000] })
    .toBe(true);

  // The owner's settings screen shows where detection runs, with the server's figures, and
  // takes it back to the camera: the host lets go of it (no camera left: Chromium stops) and
  // the camera's page detects by itself.
  await ts.createPerson({
    email: 'oscar@example.com',
    password: 'porch light 42',
    siteRole: 'owner',
  });
  const screen = await logIn(browser, ts.url, 'oscar@example.com', 'porch light 42');
  await screen.goto(`${ts.url}/cameras/${deviceId}/detection`);
  await expect(screen.getByTestId('detection-runs-on')).toHaveText('On the server');
  await expect(screen.getByTestId('detection-server-rate')).toHaveText(/^\d+\.\d\/s$/);
  await expect(screen.getByTestId('detection-server-status')).toHaveAttribute(
    'data-state',
    'running',
  );
  await screen.getByTestId('detection-runOn').selectOption('camera');
  await screen.getByTestId('detection-save').click();
  await expect(screen.getByTestId('detection-saved')).toBeVisible();
  await expect(screen.getByTestId('detection-runs-on')).toHaveText('On this camera');
  expect((await view(deviceId)).settings.runOn).toBe('camera');
  await expect.poll(() => hosting().host?.pid ?? null, { timeout: 15_000 }).toBeNull();
  await expect(page.getByTestId('detection-status')).toHaveAttribute('data-state', 'running', {
    timeout: 60_000,
  });
});
