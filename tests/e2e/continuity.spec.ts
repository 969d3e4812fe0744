import { expect, test, type Page } from '@playwright/test';
import { checkContinuity, type ContinuityReport } from '../support/continuity.ts';
import { api } from '../support/http.ts';
import { MediaSpanWatch } from '../support/mediaSpans.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { openCamera } from './helpers.ts';
import type { Fragment } from './recordingHelpers.ts';

/**
 * Recording continuity through what a camera lives through: connecting (its simulcast layers ramp
 * up, each step a new resolution), a reload of the camera page, the death of the media worker and
 * finally a disconnect. The SFU's own arrival times of the camera's RTP (mediasoup trace events)
 * are the reference: inside each stretch of media the recording has no hole or overlap larger
 * than a frame, it starts within START_MS of the media and keeps all but the last 0.5 s before a
 * disconnect (tests/support/continuity.ts).
 */

test.describe.configure({ mode: 'serial' });

/** Media to let through in each phase. The first one covers the simulcast ramp-up. */
const RAMP_UP_MS = 20_000;
const PHASE_MS = 10_000;
/**
 * How late the recording of a stretch of media may start: up to 0.4 s waiting for the other track
 * on a first recording, the recorder's start and a keyframe from the browser's encoder. Well under
 * 1 s on a quiet box; 1.1 s was seen with a CPU hog beside a CI run. What this must catch is a
 * recording that misses the start and waits for the next periodic keyframe or a later run.
 */
const START_MS = 1_500;

let ts: TestServer;
let camera: Page;
let front: { code: string; deviceId: string };
let ownerToken: string;
let watch: MediaSpanWatch;

async function fragments(): Promise<Fragment[]> {
  const r = await api<{ fragments: Fragment[] }>(
    ts.url,
    'GET',
    `/api/v1/sites/${ts.siteId}/devices/${front.deviceId}/recording/fragments?from=0&to=${Date.now() + 60_000}`,
    { token: ownerToken },
  );
  expect(r.status).toBe(200);
  return r.body.fragments;
}

/** Waits until the current producer has received `ms` of media; returns its id. */
async function mediaFor(ms: number, notId?: string): Promise<string> {
  let id: string | undefined;
  await expect
    .poll(
      () => {
        id = watch.current();
        const span = watch.spans().find((s) => s.id === id);
        return !!span && id !== notId && span.lastAt - span.firstAt >= ms;
      },
      { timeout: ms + 30_000, intervals: [250] },
    )
    .toBe(true);
  return id!;
}

/** Checks the spans that ended, once their tails are in the index (or fails with what is wrong). */
async function expectContinuous(ended: number): Promise<void> {
  let report: ContinuityReport = { spans: [], problems: ['not checked'] };
  await expect
    .poll(
      async () => {
        report = checkContinuity(await fragments(), watch.spans().slice(0, ended), {
          startMs: START_MS,
        });
        return report.problems;
      },
      { timeout: 20_000, intervals: [500] },
    )
    .toEqual([]);
  test.info().annotations.push({ type: 'continuity', description: JSON.stringify(report.spans) });
}

test.beforeAll(async ({ browser }) => {
  ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
  ownerToken = await ts.mint('viewer', { siteRole: 'owner' });
  front = await ts.provisioningCode({ name: 'Front door' });
  watch = new MediaSpanWatch(ts, front.deviceId);
  camera = await openCamera(browser, ts.url, front.code);
});

test.afterAll(async () => {
  watch?.stop();
  await camera?.context().close();
  await ts?.close();
});

test('connect and simulcast ramp-up are recorded without a hole; a reload loses at most 0.5 s', async () => {
  test.setTimeout(120_000);
  const first = await mediaFor(RAMP_UP_MS);
  await camera.reload();
  await expect(camera.getByTestId('camera-status')).toHaveText('publishing', { timeout: 30_000 });
  await mediaFor(1_000, first);
  await expectContinuous(1);
});

test('after a reload the camera is recorded again within 1.5 s; then a worker dies', async () => {
  test.setTimeout(120_000);
  const second = await mediaFor(PHASE_MS);
  const room = ts.server.rooms.rooms.get(ts.siteId)!;
  process.kill(room.workerPid, 'SIGKILL');
  await mediaFor(1_000, second);
  await expectContinuous(2);
});

test('after a worker death the camera is recorded again within 1.5 s; a disconnect keeps its last frames', async () => {
  test.setTimeout(120_000);
  await mediaFor(PHASE_MS);
  await camera.close();
  await expectContinuous(3);
});
