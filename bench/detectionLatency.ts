/**
 * Person appears -> event stored -> household told, the whole chain with the real model: a real
 * server (event-mode recording, Web Push to a local HTTPS push service), a real camera page (the
 * home app in Chromium, production build) whose fake capture loops an empty street then
 * pedestrians (tests/support/detectionClips.ts), the owner's app on a socket and one subscribed
 * browser. The moment people appear is read from the camera's own preview (the empty street is
 * one frame repeated, so the first changed frame is exact; as in tests/e2e/personDetection.spec.ts).
 * Per appearance:
 *  - first sight: the event's `startedAt` (the detector's first box of the person) - appeared;
 *  - stored: the server's EventService stored the start (same process) - appeared, and its part
 *    after the first sight (the pipeline confirming the person: 3 hits and the median gate, then
 *    the POST);
 *  - socket: the app's `detection` (started) notification - appeared;
 *  - push: the push service accepted the text push (`detection`) - appeared;
 *  - snapshot push: the push with the picture (`detection-snapshot`) - appeared.
 * The gap without people is longer than the cooldown (set to 3 s here), so each appearance is a new
 * event.
 *
 *   node --import tsx bench/detectionLatency.ts [--appearances=12] [--empty=9] [--people=6]
 * Prints a table; does not write bench/results.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { PushPayloadSchema } from '@porchlight/protocol';
import { PorchlightApi, PorchlightClient } from '@porchlight/sdk';
import { chromiumArgs } from '../playwright.config.ts';
import { streetClip } from '../tests/support/detectionClips.ts';
import { api } from '../tests/support/http.ts';
import { PushReceiver } from '../tests/support/pushReceiver.ts';
import { startTestServer } from '../tests/support/testServer.ts';
import { installWrtcGlobals } from '../tests/support/wrtc.ts';
import { buildWebApp } from '../tests/web/build.ts';
import { numberArg } from './lib/args.ts';
import { quietLogs, runMain } from './lib/main.ts';
import { mdTable } from './lib/results.ts';
import { sleep } from './lib/resources.ts';
import { fmt, summarize } from './lib/stats.ts';

const APPEARANCES = numberArg('appearances', 12);
const EMPTY_SECONDS = numberArg('empty', 9);
const PEOPLE_SECONDS = numberArg('people', 6);
const COOLDOWN_SECONDS = 3;
const ROOT = path.resolve(import.meta.dirname, '..');
const HOME_DIST = path.join(ROOT, 'apps', 'home', 'dist', 'index.html');

/** Newest modification time of the sources the camera page is built from. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  walk(path.join(ROOT, 'apps', 'home', 'src'));
  for (const pkg of fs.readdirSync(path.join(ROOT, 'packages')))
    if (fs.existsSync(path.join(ROOT, 'packages', pkg, 'src')))
      walk(path.join(ROOT, 'packages', pkg, 'src'));
  return newest;
}

async function waitFor<T>(
  what: string,
  get: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * Records (page clock = this machine's clock) when the preview switches from still to moving. A
 * string: tsx's transpiled functions reference a helper the page does not have.
 */
const WATCH_SCENE = `(() => {
  const video = document.querySelector('.preview video');
  if (!video) throw new Error('no camera preview');
  const ctx = new OffscreenCanvas(64, 48).getContext('2d', { willReadFrequently: true });
  const scene = { appeared: [] };
  window.__scene = scene;
  let previous = null;
  let still = 0;
  const onFrame = () => {
    ctx.drawImage(video, 0, 0, 64, 48);
    const data = ctx.getImageData(0, 0, 64, 48).data;
    if (previous) {
      let sum = 0;
      for (let i = 1; i < data.length; i += 4) sum += Math.abs(data[i] - previous[i]);
      if (sum / (64 * 48) < 0.2) still += 1;
      else {
        if (still >= 10) scene.appeared.push(Date.now());
        still = 0;
      }
    }
    previous = data;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
})()`;

async function watchScene(page: Page): Promise<void> {
  await page.evaluate(WATCH_SCENE);
}

const appearances = (page: Page): Promise<number[]> =>
  page.evaluate('window.__scene.appeared') as Promise<number[]>;

interface Sample {
  appeared: number;
  firstSight: number;
  stored: number;
  socket: number;
  push: number;
  snapshotPush: number | null;
}

async function main(): Promise<void> {
  quietLogs();
  // The camera page must be the current code: rebuild a missing or older production build.
  if (!fs.existsSync(HOME_DIST) || fs.statSync(HOME_DIST).mtimeMs < newestSource())
    buildWebApp('home', 'production');
  const clip = streetClip(EMPTY_SECONDS, PEOPLE_SECONDS);
  const receiver = await PushReceiver.start();
  const ts = await startTestServer(
    {
      recording: { defaultMode: 'event' },
      push: { allowPrivateEndpoints: true, vapidSubject: 'mailto:ops@example.com' },
    },
    { pushAgent: receiver.agent },
  );
  let browser: Browser | null = null;
  let app: PorchlightClient | null = null;
  try {
    const owner = await ts.mintWithId('viewer', { siteRole: 'owner', label: 'Olivia' });
    const ownerApi = new PorchlightApi({ url: ts.url, getToken: () => owner.token });
    const phone = receiver.browser();
    const sub = await api(ts.url, 'POST', '/api/v1/notifications/subscriptions', {
      token: owner.token,
      body: { subscription: phone.subscription },
    });
    if (sub.status !== 201) throw new Error(`subscribe: ${sub.status}`);
    // The owner's app: the SDK client the home app uses (it joins the site, as the app does).
    installWrtcGlobals();
    app = new PorchlightClient({
      url: ts.url,
      token: owner.token,
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    const told = new Map<string, number>();
    app.on('detection', (n) => {
      if (n.kind === 'started') told.set(n.event.id, Date.now());
    });
    await app.connect();
    const stored = new Map<string, { at: number; startedAt: number }>();
    ts.server.detection.events.on('started', (row) =>
      stored.set(row.id, { at: Date.now(), startedAt: row.startedAt }),
    );
    const pushed = (eventId: string, type: string): number | undefined =>
      receiver.for(phone.id).find((m) => {
        const p = PushPayloadSchema.safeParse(m.json);
        return (
          p.success && p.data.type === type && 'eventId' in p.data && p.data.eventId === eventId
        );
      })?.at;

    // The camera: the home app in Chromium, provisioned by link, filming the looping street.
    const { code, deviceId } = await ts.provisioningCode({ name: 'Street' });
    const args = chromiumArgs.map((a) =>
      a.startsWith('--use-file-for-fake-video-capture=')
        ? `--use-file-for-fake-video-capture=${clip}`
        : a,
    );
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
    const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
    await page.goto(`${ts.url}/#provision=${encodeURIComponent(code)}`);
    await page
      .getByTestId('camera-status')
      .filter({ hasText: 'publishing' })
      .waitFor({ timeout: 60_000 });
    await watchScene(page);
    await ownerApi.putDetectionSettings(deviceId, {
      enabled: true,
      cooldownSeconds: COOLDOWN_SECONDS,
    });
    await page
      .locator('[data-testid="detection-status"][data-state="running"]')
      .waitFor({ timeout: 120_000 });
    // Only appearances after the detector runs and has seen a whole empty stretch count.
    const armedAt = Date.now() + EMPTY_SECONDS * 1000;
    const cycle = (EMPTY_SECONDS + PEOPLE_SECONDS) * 1000;
    const samples: Sample[] = [];
    const missed: number[] = [];
    const deadline = armedAt + (APPEARANCES + 2) * cycle + 60_000;
    let handled = 0;
    while (samples.length + missed.length < APPEARANCES && Date.now() < deadline) {
      const seen = (await appearances(page)).filter((t) => t > armedAt);
      const next = seen[handled];
      if (next === undefined || Date.now() < next + PEOPLE_SECONDS * 1000) {
        await sleep(250);
        continue;
      }
      handled += 1;
      // The event of this appearance: stored after it, before the people left.
      const id = [...stored.entries()].find(
        ([, s]) => s.at >= next && s.at <= next + PEOPLE_SECONDS * 1000,
      )?.[0];
      if (!id) {
        missed.push(next);
        process.stderr.write(`appearance at ${new Date(next).toISOString()}: no event\n`);
        continue;
      }
      const s = stored.get(id)!;
      const socketAt = await waitFor('the socket', () => told.get(id), 10_000);
      const pushAt = await waitFor('the push', () => pushed(id, 'detection'), 10_000);
      const snapAt = await waitFor(
        'the snapshot push',
        () => pushed(id, 'detection-snapshot'),
        10_000,
      ).catch(() => null);
      samples.push({
        appeared: next,
        firstSight: s.startedAt - next,
        stored: s.at - next,
        socket: socketAt - next,
        push: pushAt - next,
        snapshotPush: snapAt === null ? null : snapAt - next,
      });
      process.stderr.write(
        `appearance ${samples.length}: stored +${s.at - next} ms, push +${pushAt - next} ms\n`,
      );
    }
    const status = await page.getByTestId('detection-status').innerText();
    const events = (await ownerApi.listEvents({ deviceId, limit: 100 })).events;
    const row = (name: string, v: number[]) => {
      const s = summarize(v);
      return [name, v.length, fmt(s.p50), fmt(s.p95), fmt(s.max)];
    };
    console.log(
      `\nperson appears -> event -> notification: ${samples.length} appearances detected, ${missed.length} missed, ` +
        `${events.length} events stored (clip ${EMPTY_SECONDS} s empty + ${PEOPLE_SECONDS} s people, cooldown ${COOLDOWN_SECONDS} s); camera page: "${status}"\n`,
    );
    console.log(
      mdTable(
        ['appeared ->', 'n', 'p50 ms', 'p95 ms', 'max ms'],
        [
          row(
            "event's startedAt (detector's first sight)",
            samples.map((s) => s.firstSight),
          ),
          row(
            'event stored at the server',
            samples.map((s) => s.stored),
          ),
          row(
            '  of which first sight -> stored (confirmation + POST)',
            samples.map((s) => s.stored - s.firstSight),
          ),
          row(
            "owner's app told (socket)",
            samples.map((s) => s.socket),
          ),
          row(
            'text push accepted by the push service',
            samples.map((s) => s.push),
          ),
          row(
            'snapshot push accepted',
            samples.flatMap((s) => (s.snapshotPush === null ? [] : [s.snapshotPush])),
          ),
        ],
      ),
    );
    if (receiver.errors.length > 0) throw new Error(`push receiver: ${receiver.errors[0]}`);
  } finally {
    app?.close();
    await browser?.close();
    await ts.close();
    await receiver.close();
  }
}

runMain('detectionLatency', main);
