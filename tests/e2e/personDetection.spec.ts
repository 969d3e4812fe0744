import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { PorchlightApi, type EventView } from '@porchlight/sdk';
import { chromiumArgs } from '../../playwright.config.ts';
import {
  emptySceneStill,
  foliageClip,
  personAppearsClip,
  PEOPLE_SECONDS,
} from '../support/detectionClips.ts';
// Node's fetch trusts the test certificate.
import '../support/http.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { openCamera } from './helpers.ts';

/**
 * Person detection end to end with the real model: a Chromium camera whose fake camera plays
 * footage (an empty street, then pedestrians; or moving foliage) runs the detector in its own
 * page; the server stores the events and records in event mode. What a homeowner would notice:
 * one event when people come (starting with them), the recording from before they came, a
 * snapshot with the box on a person; nothing for foliage, nothing outside the chosen zone.
 */
test.describe.configure({ mode: 'serial' });

const SHOTS = path.join('test-results', 'detection');

let ts: TestServer;
let ownerApi: PorchlightApi;

interface Scene {
  /** Unix ms of each switch from the empty street to people (the clip loops). */
  appeared: number[];
  /** Unix ms of each switch back to the empty street (seen after 1 s without change). */
  left: number[];
  people: boolean;
}

interface Camera {
  browser: Browser;
  page: Page;
  deviceId: string;
}

/** A camera whose fake capture plays `clip` (Chromium loops it), provisioned as `name`. */
async function cameraFilming(clip: string, name: string): Promise<Camera> {
  const args = chromiumArgs.map((a) =>
    a.startsWith('--use-file-for-fake-video-capture=')
      ? `--use-file-for-fake-video-capture=${clip}`
      : a,
  );
  const { code, deviceId } = await ts.provisioningCode({ name });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
  const page = await openCamera(browser, ts.url, code);
  return { browser, page, deviceId };
}

/**
 * Watches the camera's own preview: the empty street is one still frame repeated (consecutive
 * frames identical), the pedestrians' footage never is. Records when people appear and leave.
 */
async function watchScene(page: Page): Promise<void> {
  await page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('.preview video');
    if (!video) throw new Error('no camera preview');
    const canvas = new OffscreenCanvas(64, 48);
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    const scene = { appeared: [] as number[], left: [] as number[], people: false };
    (window as unknown as { __scene: typeof scene }).__scene = scene;
    let previous: Uint8ClampedArray | null = null;
    let still = 0;
    const onFrame = (): void => {
      ctx.drawImage(video, 0, 0, 64, 48);
      const data = ctx.getImageData(0, 0, 64, 48).data;
      if (previous) {
        let sum = 0;
        for (let i = 1; i < data.length; i += 4) sum += Math.abs(data[i]! - previous[i]!);
        if (sum / (64 * 48) < 0.2) {
          still += 1;
          if (still === 10 && scene.people) {
            scene.people = false;
            scene.left.push(Date.now() - 1000);
          }
        } else {
          if (still >= 10 && !scene.people) {
            scene.people = true;
            scene.appeared.push(Date.now());
          }
          still = 0;
        }
      }
      previous = data;
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  });
}

async function scene(page: Page): Promise<Scene> {
  return page.evaluate(() => (window as unknown as { __scene: Scene }).__scene);
}

async function detectorState(page: Page): Promise<string | null> {
  const status = page.getByTestId('detection-status');
  return (await status.count()) > 0 ? status.getAttribute('data-state') : null;
}

/**
 * Turns detection on at the start of an empty stretch and waits until the detector runs, so the
 * next arrival of people is the first thing it can see. Retries on the next stretch when the
 * detector came up too late (a loaded machine). Returns when detection was turned on in the
 * attempt that took: a refused attempt may have left an event, which started before that.
 */
async function armDuringEmptyStretch(cam: Camera, settings: object): Promise<number> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const before = (await scene(cam.page)).left.length;
    await expect
      .poll(async () => (await scene(cam.page)).left.length, { timeout: 60_000 })
      .toBeGreaterThan(before);
    const leftAt = (await scene(cam.page)).left.at(-1)!;
    const enabledAt = Date.now();
    await ownerApi.putDetectionSettings(cam.deviceId, { ...settings, enabled: true });
    await expect
      .poll(() => detectorState(cam.page), { timeout: 60_000, intervals: [250] })
      .toBe('running');
    const s = await scene(cam.page);
    // The enabling instant: an event of an earlier, refused attempt started before it.
    if (!s.people && !s.appeared.some((t) => t > leftAt)) return enabledAt;
    await ownerApi.putDetectionSettings(cam.deviceId, { enabled: false });
    await expect.poll(() => detectorState(cam.page), { timeout: 30_000 }).not.toBe('running');
  }
  throw new Error('the detector never came up within an empty stretch of the clip');
}

async function events(deviceId: string): Promise<EventView[]> {
  return (await ownerApi.listEvents({ deviceId })).events;
}

/**
 * The amber outline the detector draws, found in the snapshot: [x, y, w, h] in pixels. Only
 * amber pixels that the empty street does not have there (its cones and road lines are amber too),
 * and of those the group that outlines a rectangle: an orange coat or a shop sign in the people's
 * footage is amber too, but a blob, not an outline.
 */
function amberBox(
  rgb: Buffer,
  empty: Buffer,
  width: number,
  height: number,
): [number, number, number, number] {
  const mask = new Uint8Array(width * height);
  for (let p = 0; p < width * height; p += 1) {
    const i = p * 3;
    const [r, g, b] = [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
    const change =
      Math.abs(r - empty[i]!) + Math.abs(g - empty[i + 1]!) + Math.abs(b - empty[i + 2]!);
    if (r > 200 && g > 130 && g < 215 && b < 90 && change > 120) mask[p] = 1;
  }
  // Groups of amber pixels (8-neighbours, bridging one-pixel JPEG gaps).
  const group = new Int32Array(width * height).fill(-1);
  const boxes: [number, number, number, number][] = [];
  for (let start = 0; start < mask.length; start += 1) {
    if (!mask[start] || group[start]! >= 0) continue;
    const id = boxes.length;
    const box: [number, number, number, number] = [width, height, -1, -1];
    const stack = [start];
    group[start] = id;
    while (stack.length > 0) {
      const p = stack.pop()!;
      const [x, y] = [p % width, Math.floor(p / width)];
      box[0] = Math.min(box[0], x);
      box[1] = Math.min(box[1], y);
      box[2] = Math.max(box[2], x);
      box[3] = Math.max(box[3], y);
      for (let dy = -2; dy <= 2; dy += 1)
        for (let dx = -2; dx <= 2; dx += 1) {
          const [nx, ny] = [x + dx, y + dy];
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const q = ny * width + nx;
          if (mask[q] && group[q]! < 0) {
            group[q] = id;
            stack.push(q);
          }
        }
    }
    boxes.push(box);
  }
  // How much of a group's bounding rectangle's border is amber: near 1 for the drawn outline.
  const outlined = ([x0, y0, x1, y1]: [number, number, number, number]): number => {
    if (x1 - x0 < 8 || y1 - y0 < 8) return 0;
    const near = (x: number, y: number): boolean => {
      for (let d = -2; d <= 2; d += 1) {
        const [hx, vy] = [
          Math.min(width - 1, Math.max(0, x + d)),
          Math.min(height - 1, Math.max(0, y + d)),
        ];
        if (mask[y * width + hx] || mask[vy * width + x]) return true;
      }
      return false;
    };
    let hit = 0;
    let all = 0;
    for (let x = x0; x <= x1; x += 1) {
      hit += Number(near(x, y0)) + Number(near(x, y1));
      all += 2;
    }
    for (let y = y0; y <= y1; y += 1) {
      hit += Number(near(x0, y)) + Number(near(x1, y));
      all += 2;
    }
    return hit / all;
  };
  const ranked = boxes
    .map((b) => ({ b, score: outlined(b) }))
    .sort(
      (a, c) =>
        c.score - a.score ||
        (c.b[2] - c.b[0]) * (c.b[3] - c.b[1]) - (a.b[2] - a.b[0]) * (a.b[3] - a.b[1]),
    );
  const best = ranked[0];
  if (!best || best.score < 0.7)
    throw new Error(`no amber outline in the snapshot (best border cover ${best?.score ?? 0})`);
  const [x0, y0, x1, y1] = best.b;
  return [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

/** Raw RGB of an image file (ffmpeg), scaled to width x height. */
function rgbOf(input: string | Buffer, width: number, height: number): Buffer {
  const isFile = typeof input === 'string';
  return execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-i', isFile ? input : 'pipe:0'],
      ...['-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    ],
    { input: isFile ? undefined : input, maxBuffer: 64 * 1024 * 1024 },
  );
}

/** Mean absolute difference of two RGB images inside a pixel rectangle. */
function meanDiff(a: Buffer, b: Buffer, width: number, r: [number, number, number, number]) {
  let sum = 0;
  let n = 0;
  for (let y = r[1]; y < r[1] + r[3]; y += 1)
    for (let x = r[0]; x < r[0] + r[2]; x += 1)
      for (let c = 0; c < 3; c += 1) {
        const i = (y * width + x) * 3 + c;
        sum += Math.abs(a[i]! - b[i]!);
        n += 1;
      }
  return sum / Math.max(1, n);
}

test.beforeAll(async () => {
  // Event mode (the product's pre-roll) and cameras that start with detection off: each test
  // turns it on when its camera is ready.
  ts = await startTestServer({ recording: { defaultMode: 'event' } });
  const token = await ts.mint('viewer', { siteRole: 'owner', label: 'Olivia' });
  ownerApi = new PorchlightApi({ url: ts.url, getToken: () => Promise.resolve(token) });
});

test.afterAll(async () => {
  await ts?.close();
});

test('people come into view: one event starting with them, recorded from 5 s before, a snapshot boxing a person', async () => {
  test.setTimeout(300_000);
  const cam = await cameraFilming(personAppearsClip(), 'Street');
  try {
    await watchScene(cam.page);
    const armedAt = await armDuringEmptyStretch(cam, {});
    await expect
      .poll(async () => (await scene(cam.page)).appeared.filter((t) => t > armedAt).length, {
        timeout: 60_000,
      })
      .toBeGreaterThan(0);
    const appeared = (await scene(cam.page)).appeared.find((t) => t > armedAt)!;

    // The event ends once the people are gone (the clip's empty stretch is longer than the
    // cooldown), before they come again.
    let list: EventView[] = [];
    await expect
      .poll(
        async () => {
          // Not an event of a refused attempt (people came in while the detector started).
          list = (await events(cam.deviceId)).filter((e) => e.startedAt >= armedAt);
          return list.length > 0 && list.every((e) => e.endedAt !== null);
        },
        { timeout: (PEOPLE_SECONDS + 60) * 1000, intervals: [1000] },
      )
      .toBe(true);
    expect(list).toHaveLength(1);
    const event = list[0]!;
    test.info().annotations.push({
      type: 'person event',
      description: JSON.stringify({
        startMinusAppeared: event.startedAt - appeared,
        durationMs: event.endedAt! - event.startedAt,
        maxScore: event.maxScore,
        detector: event.detector,
      }),
    });
    // It starts with the first frame that has people: their first sighting, within 1 s on this
    // box (bench/detectionLatency.ts times it). On a loaded box the adaptive budget may fall to
    // its floor, a fifth of a core: one frame examined every 5 x ms/frame, and the first one after
    // the people came in takes up to that interval plus its own inference. Starting at the
    // confirmation instead (3 sightings later) would still fail this.
    const firstLook = Math.max(1000, 6 * event.detector.msPerFrame);
    expect(event.startedAt).toBeGreaterThanOrEqual(appeared - 200);
    expect(event.startedAt).toBeLessThanOrEqual(appeared + firstLook);
    expect(event.detector.backend).toBe('wasm');

    // The recording holds at least 5 s before the event, without a hole.
    const segments = (await ts.server.recording.index.oldestSegments(cam.deviceId, 1000)).filter(
      (s) => s.producerTime <= event.startedAt + 2000,
    );
    expect(segments.length).toBeGreaterThan(0);
    expect(segments[0]!.producerTime).toBeLessThanOrEqual(event.startedAt - 5000);
    for (let i = 1; i < segments.length; i += 1) {
      const gap =
        segments[i]!.producerTime - (segments[i - 1]!.producerTime + segments[i - 1]!.durationMs);
      expect(gap).toBeLessThan(1000);
    }

    // The snapshot of the alert: a JPEG with the amber box around something that is not the
    // empty street (a person), the rest of the picture being the street.
    expect(event.snapshotUrl).not.toBeNull();
    const res = await fetch(new URL(event.snapshotUrl!, ts.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = Buffer.from(await res.arrayBuffer());
    fs.mkdirSync(SHOTS, { recursive: true });
    fs.writeFileSync(path.join(SHOTS, 'person-event-snapshot.jpg'), jpeg);
    const [w, h] = [640, 480];
    const snap = rgbOf(jpeg, w, h);
    const empty = rgbOf(emptySceneStill(), w, h);
    const box = amberBox(snap, empty, w, h);
    expect(box[3]).toBeGreaterThan(box[2]); // a standing person is taller than wide
    const inner: [number, number, number, number] = [
      box[0] + 3,
      box[1] + 3,
      Math.max(1, box[2] - 6),
      Math.max(1, box[3] - 6),
    ];
    const inside = meanDiff(snap, empty, w, inner);
    const whole = meanDiff(snap, empty, w, [0, 0, w, h]);
    test.info().annotations.push({
      type: 'snapshot',
      description: JSON.stringify({ box, inside, whole }),
    });
    expect(inside).toBeGreaterThan(2 * whole);
  } finally {
    await cam.browser.close();
  }
});

test('people walking only outside the chosen zone raise no event', async () => {
  test.setTimeout(300_000);
  const cam = await cameraFilming(personAppearsClip(), 'Lawn');
  try {
    await watchScene(cam.page);
    // The lawn's lower-left corner: nobody walks there in this footage (they keep to the path).
    const lawn = {
      zones: [
        {
          name: 'Lawn corner',
          points: [
            [0, 0.8],
            [0.3, 0.8],
            [0.3, 1],
            [0, 1],
          ] as [number, number][],
        },
      ],
    };
    const armedAt = await armDuringEmptyStretch(cam, lawn);
    // A whole stretch of people passes, then the street is empty again.
    await expect
      .poll(
        async () => {
          const s = await scene(cam.page);
          const came = s.appeared.find((t) => t > armedAt);
          return came !== undefined && s.left.some((t) => t > came);
        },
        { timeout: (PEOPLE_SECONDS + 60) * 1000, intervals: [1000] },
      )
      .toBe(true);
    expect(await events(cam.deviceId)).toHaveLength(0);
    expect(await detectorState(cam.page)).toBe('running');
    // The control: the same camera with the whole frame as its zone reports the next people.
    await ownerApi.putDetectionSettings(cam.deviceId, { enabled: true, zones: [] });
    await expect
      .poll(async () => (await events(cam.deviceId)).length, {
        timeout: (PEOPLE_SECONDS + 60) * 1000,
        intervals: [1000],
      })
      .toBeGreaterThan(0);
  } finally {
    await cam.browser.close();
  }
});

test('60 s of moving foliage raise no event', async () => {
  test.setTimeout(240_000);
  const cam = await cameraFilming(foliageClip(), 'Garden');
  try {
    await ownerApi.putDetectionSettings(cam.deviceId, { enabled: true });
    await expect
      .poll(() => detectorState(cam.page), { timeout: 60_000, intervals: [250] })
      .toBe('running');
    const until = Date.now() + 60_000;
    // Looked at every few seconds: an event would show while open, not only at the end.
    await expect
      .poll(async () => (await events(cam.deviceId)).length > 0 || Date.now() >= until, {
        timeout: 90_000,
        intervals: [5000],
      })
      .toBe(true);
    expect(await events(cam.deviceId)).toHaveLength(0);
    expect(await detectorState(cam.page)).toBe('running');
  } finally {
    await cam.browser.close();
  }
});
