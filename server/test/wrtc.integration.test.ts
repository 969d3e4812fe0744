import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PorchlightClient } from '@porchlight/sdk';
import { startTestServer, type TestServer } from '../../tests/support/testServer.ts';
import {
  frameCounter,
  installWrtcGlobals,
  syntheticCamera,
  YUV,
} from '../../tests/support/wrtc.ts';

installWrtcGlobals();

async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function client(ts: TestServer, token: string, label?: string): PorchlightClient {
  return new PorchlightClient({
    url: ts.url,
    token,
    ...(label ? { label } : {}),
    device: { handlerName: 'Chrome111' },
    socketOptions: { rejectUnauthorized: false },
  });
}

describe('non-browser WebRTC peers through the SFU (@roamhq/wrtc + SDK)', () => {
  let ts: TestServer;
  const cleanup: (() => void)[] = [];

  beforeAll(async () => {
    ts = await startTestServer({ signaling: { deviceStatsIntervalMs: 500 } });
  });
  afterAll(async () => {
    for (const c of cleanup.reverse()) c();
    await ts?.close();
  });

  it('a camera publishes, a viewer consumes, and frames of the right picture are decoded', async () => {
    const cam = client(ts, await ts.mint('camera', { label: 'Porch' }));
    cleanup.push(() => cam.close());
    await cam.connect();
    expect(cam.role).toBe('camera');
    const source = syntheticCamera(320, 240, YUV.red);
    cleanup.push(source.stop);
    const pub = await cam.publish(source.track, { source: 'camera', simulcast: false });
    expect(pub).toBeTruthy();

    const viewer = client(ts, await ts.mint('viewer'));
    cleanup.push(() => viewer.close());
    await viewer.connect();
    await until('the camera to be announced', () =>
      viewer.producers.some((p) => p.source === 'camera'),
    );
    const info = viewer.producers.find((p) => p.source === 'camera')!;
    expect(info.label).toBe('Porch');
    const sub = await viewer.watch(info.producerId);
    const counter = frameCounter(sub.track!);
    cleanup.push(counter.stop);

    await until('30 decoded frames', () => counter.state.frames >= 30);
    expect(counter.state.width).toBe(320);
    expect(counter.state.height).toBe(240);
    // Red in BT.601 has Y≈81: a black (16) or grey (128) picture would fail this.
    expect(counter.state.meanY).toBeGreaterThan(65);
    expect(counter.state.meanY).toBeLessThan(100);
    const stats = await viewer.getStats();
    expect(stats.video.framesDecoded).toBeGreaterThan(0);
    expect(stats.video.bytesReceived).toBeGreaterThan(0);

    // The device registry saw the camera come online and measured its bitrate.
    const { store } = ts.server;
    const devices = await store.devices.list(ts.siteId);
    const porch = devices.find((d) => d.name === 'Porch')!;
    expect(porch.online).toBe(true);
    expect(porch.lastAddress).toMatch(/127\.0\.0\.1/);
    let bitrate = 0;
    for (let i = 0; i < 30 && !(bitrate > 0); i++) {
      await new Promise((r) => setTimeout(r, 200));
      bitrate = (await store.devices.get(porch.id))?.bitrate ?? 0;
    }
    expect(bitrate).toBeGreaterThan(1000); // a solid colour encodes to a few kbps
    // Watching live is audited against the device.
    const views = await store.audit.query({ action: 'stream.view-live', limit: 10 });
    expect(
      views.some(
        (e) => e.resource === `site/${ts.siteId}/device/${porch.id}` && e.actorType === 'account',
      ),
    ).toBe(true);
  });

  it('a camera opened again on the same receive transport decodes frames, also right after another consumer asked for a keyframe', async () => {
    const cam = client(ts, await ts.mint('camera', { label: 'Shed' }));
    cleanup.push(() => cam.close());
    await cam.connect();
    const source = syntheticCamera(320, 240, YUV.blue);
    cleanup.push(source.stop);
    await cam.publish(source.track, { source: 'camera', simulcast: false });
    const viewer = client(ts, await ts.mint('viewer'));
    cleanup.push(() => viewer.close());
    await viewer.connect();
    await until('the camera', () => viewer.producers.some((p) => p.label === 'Shed'));
    const producerId = viewer.producers.find((p) => p.label === 'Shed')!.producerId;
    // Transports created from here on: after the first watch, none (the receive one is reused).
    let transportsCreated = 0;
    ts.server.rooms.rooms
      .get(ts.siteId)!
      .router.observer.on('newtransport', () => transportsCreated++);

    // Open, close and open again (twice, the second right after the first's keyframe): each new
    // consumer shows frames. The ms to the first frame are logged: a keyframe request the camera
    // ignored (too soon after the previous one) is re-sent after the producer's delay, not 1 s.
    const firstFrameMs: number[] = [];
    let previous: { close(): void } | undefined;
    for (let i = 0; i < 3; i++) {
      previous?.close();
      const t0 = performance.now();
      const sub = await viewer.watch(producerId);
      const counter = frameCounter(sub.track!);
      await until(`frames of watch ${i + 1}`, () => counter.state.frames >= 1);
      firstFrameMs.push(performance.now() - t0);
      await until(`more frames of watch ${i + 1}`, () => counter.state.frames >= 5);
      expect(counter.state.width).toBe(320);
      counter.stop();
      previous = sub;
      if (i === 0) transportsCreated = 0;
    }
    previous?.close();
    expect(transportsCreated).toBe(0);
    // Without the producer's keyframe request delay the re-opened ones wait for mediasoup's retry
    // of the ignored request, 1 s later (measured 1114 and 1113 ms against 211 and 113 with it).
    for (const ms of firstFrameMs) expect(ms).toBeLessThan(1000);
    console.log(
      `first frame after watch, ms: ${firstFrameMs.map((ms) => ms.toFixed(0)).join(', ')}`,
    );
  });

  it("a viewer of another site is never told about this site's camera", async () => {
    const stranger = client(ts, await ts.mint('viewer', { siteId: 'elsewhere' }));
    cleanup.push(() => stranger.close());
    await stranger.connect();
    await new Promise((r) => setTimeout(r, 500));
    expect(stranger.producers).toHaveLength(0);
  });

  it('with a single worker: a killed worker is respawned and frames flow again', async () => {
    const solo = await startTestServer({ media: { numWorkers: 1 } });
    try {
      const cam = client(solo, await solo.mint('camera', { label: 'Garage' }));
      await cam.connect();
      const source = syntheticCamera(320, 240, YUV.blue);
      await cam.publish(source.track, { source: 'camera', simulcast: false });
      const viewer = client(solo, await solo.mint('viewer'));
      await viewer.connect();
      await until('the camera', () => viewer.producers.some((p) => p.source === 'camera'));
      const sub = await viewer.watch(
        viewer.producers.find((p) => p.source === 'camera')!.producerId,
      );
      const counter = frameCounter(sub.track!);
      await until('frames before the kill', () => counter.state.frames >= 10);

      let newTrack: MediaStreamTrack | undefined;
      sub.on('trackChanged', (track) => (newTrack = track));
      const oldPid = solo.server.pool.slots[0]!.worker.pid;
      process.kill(oldPid, 'SIGKILL');
      await until('the worker to be respawned', () => {
        const pid = solo.server.pool.slots[0]?.worker.pid;
        return pid !== undefined && pid !== oldPid;
      });
      // The subscription follows the camera's new producer and swaps in a new track.
      await until('the subscription to get a new track', () => newTrack !== undefined);
      const again = frameCounter(newTrack!);
      await until('frames after the respawn', () => again.state.frames >= 10);
      expect(again.state.meanY).toBeLessThan(60); // blue: Y≈41
      again.stop();
      counter.stop();
      viewer.close();
      cam.close();
      source.stop();
    } finally {
      await solo.close();
    }
  });
});
