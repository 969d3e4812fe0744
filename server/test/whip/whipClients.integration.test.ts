import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PorchlightClient } from '@porchlight/sdk';
import { WHIPClient } from '@eyevinn/whip-web-client';
import { WHEPClient } from 'whip-whep/whep.js';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import '../../../tests/support/http.ts';
import {
  frameCounter,
  installWrtcGlobals,
  syntheticCamera,
  YUV,
} from '../../../tests/support/wrtc.ts';

installWrtcGlobals();

async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * WHIP/WHEP clients nobody on the team wrote, over @roamhq/wrtc (libwebrtc in Node):
 * @eyevinn/whip-web-client 1.1.7 publishes, the app's own SDK and whip-whep 1.2.0's WHEP client
 * watch and decode the picture.
 */
describe('WHIP publish / WHEP playback with third-party clients (wrtc)', () => {
  let ts: TestServer;
  const cleanup: (() => unknown)[] = [];

  beforeAll(async () => {
    ts = await startTestServer({ signaling: { deviceStatsIntervalMs: 500 } });
  });
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
    await ts?.close();
  });

  it('@eyevinn/whip-web-client publishes; the SDK viewer and whip-whep WHEP decode red frames; DELETE ends it', async () => {
    const { token, id: deviceId } = await ts.mintWithId('camera', { label: 'Gate' });
    const source = syntheticCamera(320, 240, YUV.red);
    cleanup.push(source.stop);
    const stream = new (globalThis as unknown as { MediaStream: typeof MediaStream }).MediaStream([
      source.track,
    ]);
    // Quirk: destroy() nulls the client's peer before its close events run, and its listeners
    // then throw; they are muted once the client is destroyed.
    let destroyed = false;
    const publisher = new WHIPClient({
      endpoint: `${ts.url}/whip/v1/devices/${deviceId}`,
      // No default STUN server (the client's default is a public one).
      opts: { authkey: token, noTrickleIce: true, iceGatheringTimeout: 2000, iceServers: [] },
      peerConnectionFactory: (config) => {
        const pc = new RTCPeerConnection(config);
        const add = pc.addEventListener.bind(pc);
        pc.addEventListener = ((type: string, handler: (e: Event) => void) =>
          add(type, (e: Event) => {
            if (!destroyed) handler(e);
          })) as typeof pc.addEventListener;
        return pc;
      },
    });
    await publisher.ingest(stream);
    const resource = await publisher.getResourceUrl();
    expect(resource).toMatch(/\/whip\/v1\/sessions\//);

    // The app's own viewer sees a camera named after the device and decodes its picture.
    const viewer = new PorchlightClient({
      url: ts.url,
      token: await ts.mint('viewer'),
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    cleanup.push(() => viewer.close());
    await viewer.connect();
    await until('the WHIP camera to be announced', () =>
      viewer.producers.some((p) => p.source === 'camera' && p.deviceId === deviceId),
    );
    const info = viewer.producers.find((p) => p.source === 'camera')!;
    expect(info.label).toBe('Gate');
    const sub = await viewer.watch(info.producerId);
    const counter = frameCounter(sub.track!);
    cleanup.push(counter.stop);
    await until('30 frames at the SDK viewer', () => counter.state.frames >= 30);
    expect(counter.state.width).toBe(320);
    expect(counter.state.meanY).toBeGreaterThan(65);
    expect(counter.state.meanY).toBeLessThan(100);

    // Online with a bitrate, like a socket camera.
    const online = async () => (await ts.server.store.devices.get(deviceId))!;
    const start = Date.now();
    while (!((await online()).bitrate! > 0) && Date.now() - start < 10_000)
      await new Promise((r) => setTimeout(r, 200));
    expect((await online()).online).toBe(true);
    expect((await online()).bitrate).toBeGreaterThan(0);

    // whip-whep's WHEP client (recvonly offer, its own payload types) decodes the same picture.
    const pc = new RTCPeerConnection();
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    let whepTrack: MediaStreamTrack | undefined;
    pc.ontrack = (e) => {
      if (e.track.kind === 'video') whepTrack = e.track;
    };
    const whep = new WHEPClient();
    await whep.view(pc, `${ts.url}/whep/v1/devices/${deviceId}`, await ts.mint('viewer'));
    await until('a WHEP video track', () => whepTrack !== undefined);
    const whepCounter = frameCounter(whepTrack!);
    cleanup.push(whepCounter.stop);
    await until('30 frames at the WHEP viewer', () => whepCounter.state.frames >= 30);
    expect(whepCounter.state.meanY).toBeGreaterThan(65);
    expect(whepCounter.state.meanY).toBeLessThan(100);
    await whep.stop();
    await until('the WHEP session to end', () =>
      [...ts.server.whip.sessions.values()].every((s) => s.kind !== 'whep'),
    );

    // DELETE (the client's destroy) closes the producers: the viewer sees the camera go.
    destroyed = true;
    await publisher.destroy();
    await until(
      'the camera to be gone',
      () => !viewer.producers.some((p) => p.deviceId === deviceId),
    );
    const t0 = Date.now();
    while ((await online()).online && Date.now() - t0 < 5_000)
      await new Promise((r) => setTimeout(r, 100));
    expect((await online()).online).toBe(false);
  });
});
