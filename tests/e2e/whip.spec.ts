import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { expectVideoAdvancing, logIn, sampleBars } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

const require = createRequire(import.meta.url);
/** whip-whep 1.2.0 (by the WHIP draft's author): its browser modules, served as they ship. */
const WHIP_JS = fs.readFileSync(require.resolve('whip-whep/whip.js'), 'utf8');
const WHEP_JS = fs.readFileSync(require.resolve('whip-whep/whep.js'), 'utf8');
/**
 * @eyevinn/webrtc-player 0.13.0 ships CommonJS only: bundled for the page with the esbuild binary
 * Vite brings (as the package's users do with their bundler).
 */
const PLAYER_JS = execFileSync(
  path.resolve(import.meta.dirname, '../../node_modules/esbuild/bin/esbuild'),
  [
    require.resolve('@eyevinn/webrtc-player'),
    '--bundle',
    '--format=esm',
    '--platform=browser',
    '--log-level=error',
  ],
  { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
);
/** A page on another origin than the server: every WHIP/WHEP request is cross-origin (CORS). */
const ORIGIN = 'https://interop.test';

let ts: TestServer;
let deviceId: string;
let deviceToken: string;
let publisher: Page;
let home: Page;

async function interopPage(browser: Browser): Promise<Page> {
  // Chromium asks before a public page reaches a loopback/LAN address (Local Network Access).
  const ctx = await browser.newContext({
    ignoreHTTPSErrors: true,
    permissions: ['local-network-access'],
  });
  await ctx.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const body =
      path === '/whip.js'
        ? WHIP_JS
        : path === '/whep.js'
          ? WHEP_JS
          : path === '/player.js'
            ? PLAYER_JS
            : '<!doctype html><meta charset="utf-8"><video id="v" autoplay muted playsinline></video>';
    return route.fulfill({
      status: 200,
      contentType: path.endsWith('.js') ? 'text/javascript' : 'text/html',
      body,
    });
  });
  const page = await ctx.newPage();
  await page.goto(`${ORIGIN}/index.html`);
  return page;
}

/** Inbound video stats of the page's WHEP peer connection. */
async function whepStats(page: Page): Promise<{ framesDecoded: number; frameWidth: number }> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { whepPc: RTCPeerConnection }).whepPc;
    let out = { framesDecoded: 0, frameWidth: 0 };
    (await pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (s['type'] === 'inbound-rtp' && s['kind'] === 'video')
        out = {
          framesDecoded: Number(s['framesDecoded'] ?? 0),
          frameWidth: Number(s['frameWidth'] ?? 0),
        };
    });
    return out;
  });
}

test.beforeAll(async ({ browser }) => {
  ts = await startTestServer();
  ({ token: deviceToken, id: deviceId } = await ts.mintWithId('camera', { label: 'Garage' }));
  await ts.createPerson({
    email: 'owner@example.com',
    password: 'owner-password-1',
    siteRole: 'owner',
  });
  publisher = await interopPage(browser);
  home = await logIn(browser, ts.url, 'owner@example.com', 'owner-password-1');
});

test.afterAll(async () => {
  await publisher?.context().close();
  await home?.context().close();
  await ts?.close();
});

test('whip-whep publishes the fake camera with simulcast; the home app shows it live', async () => {
  const url = `${ts.url}/whip/v1/devices/${deviceId}`;
  await publisher.evaluate(
    async ({ url, token }) => {
      const { WHIPClient } = (await import(String('/whip.js'))) as {
        WHIPClient: new () => {
          publish(pc: RTCPeerConnection, u: string, t: string): Promise<void>;
        };
      };
      const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
      pc.addTransceiver(stream.getVideoTracks()[0]!, {
        direction: 'sendonly',
        sendEncodings: [
          { rid: 'l', scaleResolutionDownBy: 2, maxBitrate: 300_000 },
          { rid: 'h', maxBitrate: 1_500_000 },
        ],
      });
      pc.addTransceiver(stream.getAudioTracks()[0]!, { direction: 'sendonly' });
      const client = new WHIPClient();
      await client.publish(pc, url, token);
      Object.assign(window, { whipClient: client, whipPc: pc });
    },
    { url, token: deviceToken },
  );
  const room = ts.server.rooms.rooms.get(ts.siteId)!;
  await expect.poll(() => room.producersOfDevice(deviceId).length).toBe(2);
  const video = room.producersOfDevice(deviceId).find((p) => p.kind === 'video')!;
  expect(video.rtpParameters.codecs[0]!.mimeType).toBe('video/H264');
  expect(video.rtpParameters.encodings!.map((e) => e.rid)).toEqual(['l', 'h']);
  // The home app's live view decodes it: frames advance and the SMPTE bars are right.
  await expect(home.getByTestId('live-video')).toHaveCount(1, { timeout: 20_000 });
  await expectVideoAdvancing(home);
  await expect.poll(async () => (await sampleBars(home)).ok, { timeout: 15_000 }).toBe(true);
  // The device shows online.
  await expect.poll(async () => (await ts.server.store.devices.get(deviceId))!.online).toBe(true);
});

test('whip-whep WHEP plays it in Chromium, starting low (?layer=low) and switching to high', async ({
  browser,
}) => {
  const viewer = await interopPage(browser);
  try {
    const url = `${ts.url}/whep/v1/devices/${deviceId}?layer=low`;
    const viewerToken = await ts.mint('viewer');
    await viewer.evaluate(
      async ({ url, token }) => {
        const { WHEPClient } = (await import(String('/whep.js'))) as {
          WHEPClient: new () => {
            view(pc: RTCPeerConnection, u: string, t: string): Promise<void>;
            selectLayer(l: unknown): Promise<void>;
            stop(): Promise<void>;
          };
        };
        const pc = new RTCPeerConnection();
        pc.addTransceiver('video', { direction: 'recvonly' });
        pc.addTransceiver('audio', { direction: 'recvonly' });
        pc.ontrack = (e) => {
          const v = document.getElementById('v') as HTMLVideoElement;
          v.srcObject = e.streams[0] ?? new MediaStream([e.track]);
        };
        const client = new WHEPClient();
        await client.view(pc, url, token);
        Object.assign(window, { whepClient: client, whepPc: pc });
      },
      { url, token: viewerToken },
    );
    await expect.poll(async () => (await whepStats(viewer)).framesDecoded).toBeGreaterThan(10);
    await expect
      .poll(async () => (await whepStats(viewer)).frameWidth, { timeout: 20_000 })
      .toBe(320);
    await viewer.evaluate(() =>
      (
        window as unknown as { whepClient: { selectLayer(l: unknown): Promise<void> } }
      ).whepClient.selectLayer({
        spatialLayerId: 1,
      }),
    );
    await expect
      .poll(async () => (await whepStats(viewer)).frameWidth, { timeout: 20_000 })
      .toBe(640);
    const before = (await whepStats(viewer)).framesDecoded;
    await expect
      .poll(async () => (await whepStats(viewer)).framesDecoded)
      .toBeGreaterThan(before + 10);
    // ICE restart (RFC 9725 4.4): PATCH with If-Match: "*" and the new offer's credentials ->
    // 200, new ETag and server credentials; Chromium re-connects with them and media goes on.
    // (Done by hand: whip-whep 1.2.0's restart() joins the returned candidates with "," and
    // Chromium rejects the result as soon as there are two; docs/whip-whep.md.)
    const restarted = await viewer.evaluate(async (token) => {
      const w = window as unknown as {
        whepClient: { resourceURL: URL; etag?: string };
        whepPc: RTCPeerConnection;
      };
      const pc = w.whepPc;
      const offer = await pc.createOffer({ iceRestart: true });
      await pc.setLocalDescription(offer);
      const ufrag = /a=ice-ufrag:(\S+)/.exec(offer.sdp!)![1];
      const pwd = /a=ice-pwd:(\S+)/.exec(offer.sdp!)![1];
      const res = await fetch(w.whepClient.resourceURL, {
        method: 'PATCH',
        headers: {
          'content-type': 'application/trickle-ice-sdpfrag',
          'if-match': '*',
          authorization: `Bearer ${token}`,
        },
        body: `a=ice-ufrag:${ufrag}\r\na=ice-pwd:${pwd}\r\n`,
      });
      const frag = await res.text();
      const newUfrag = /a=ice-ufrag:(\S+)/.exec(frag)![1]!;
      const newPwd = /a=ice-pwd:(\S+)/.exec(frag)![1]!;
      const old = pc.remoteDescription!.sdp;
      const sdp = old
        .replace(/a=ice-ufrag:\S+/g, `a=ice-ufrag:${newUfrag}`)
        .replace(/a=ice-pwd:\S+/g, `a=ice-pwd:${newPwd}`);
      await pc.setRemoteDescription({ type: 'answer', sdp });
      return {
        status: res.status,
        etag: res.headers.get('etag'),
        changed: /a=ice-ufrag:(\S+)/.exec(old)![1] !== newUfrag,
      };
    }, viewerToken);
    expect(restarted.status).toBe(200);
    expect(restarted.etag).toMatch(/^".+"$/);
    expect(restarted.changed).toBe(true);
    await expect
      .poll(() =>
        viewer.evaluate(
          () => (window as unknown as { whepPc: RTCPeerConnection }).whepPc.iceConnectionState,
        ),
      )
      .toMatch(/connected|completed/);
    const afterRestart = (await whepStats(viewer)).framesDecoded;
    await expect
      .poll(async () => (await whepStats(viewer)).framesDecoded)
      .toBeGreaterThan(afterRestart + 30);
    await viewer.evaluate(() =>
      (window as unknown as { whepClient: { stop(): Promise<void> } }).whepClient.stop(),
    );
    await expect
      .poll(() => [...ts.server.whip.sessions.values()].filter((s) => s.kind === 'whep').length)
      .toBe(0);
  } finally {
    await viewer.context().close();
  }
});

test('@eyevinn/webrtc-player (WHEP) plays it in Chromium', async ({ browser }) => {
  const viewer = await interopPage(browser);
  try {
    await viewer.evaluate(
      async ({ url, token }) => {
        const mod = (await import(String('/player.js'))) as {
          default: {
            WebRTCPlayer: new (o: unknown) => { load(u: URL, key: string): Promise<void> };
          };
        };
        const video = document.getElementById('v') as HTMLVideoElement;
        // No default public STUN server on a LAN; it sends authKey verbatim as Authorization.
        const player = new mod.default.WebRTCPlayer({ video, type: 'whep', iceServers: [] });
        await player.load(new URL(url), `Bearer ${token}`);
        Object.assign(window, { player });
      },
      { url: `${ts.url}/whep/v1/devices/${deviceId}`, token: await ts.mint('viewer') },
    );
    const frames = (): Promise<number> =>
      viewer.evaluate(
        () =>
          (document.getElementById('v') as HTMLVideoElement).getVideoPlaybackQuality()
            .totalVideoFrames,
      );
    await expect.poll(frames, { timeout: 20_000 }).toBeGreaterThan(10);
    const n = await frames();
    await expect.poll(frames).toBeGreaterThan(n + 10);
    expect([...ts.server.whip.sessions.values()].filter((s) => s.kind === 'whep')).toHaveLength(1);
  } finally {
    await viewer.context().close();
  }
});

test('stopping the publisher (DELETE) removes the camera from the home app', async () => {
  await publisher.evaluate(() =>
    (window as unknown as { whipClient: { stop(): Promise<void> } }).whipClient.stop(),
  );
  await expect(home.getByTestId('live-video')).toHaveCount(0, { timeout: 15_000 });
  await expect.poll(async () => (await ts.server.store.devices.get(deviceId))!.online).toBe(false);
});
