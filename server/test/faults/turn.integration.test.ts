/**
 * kill -9 of coturn during a live relayed call: a camera and a viewer both forced through TURN
 * (iceTransportPolicy 'relay'), the viewer decoding the camera. The TurnService's supervisor
 * restarts coturn; the relayed paths died with its allocations, so the SDK's ICE watchdog restarts
 * ICE, the peers allocate again on the new coturn, and video flows again without a reload.
 * Measured: kill -> coturn back, kill -> frames at the viewer again.
 */
import { PorchlightClient } from '@porchlight/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTurnConfig } from '../../../tests/support/ports.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import {
  frameCounter,
  installWrtcGlobals,
  syntheticCamera,
  YUV,
} from '../../../tests/support/wrtc.ts';
import { until } from '../recording/support.ts';
import { grows } from './world.ts';

describe('kill -9 of coturn during a relayed call', () => {
  let ts: TestServer;
  const cleanup: (() => void)[] = [];

  beforeAll(async () => {
    ts = await startTestServer({ turn: await testTurnConfig() });
    await until('coturn healthy', () => ts.server.turn!.supervisor.healthy, 30_000);
  }, 60_000);
  afterAll(async () => {
    for (const c of cleanup.reverse()) c();
    await ts?.close();
  }, 60_000);

  it('coturn restarts and the call recovers through ICE restarts on the new allocations', async () => {
    installWrtcGlobals();
    const client = async (token: string): Promise<PorchlightClient> => {
      const c = new PorchlightClient({
        url: ts.url,
        token,
        forceRelay: true,
        device: { handlerName: 'Chrome111' },
        socketOptions: { rejectUnauthorized: false },
      });
      cleanup.push(() => c.close());
      await c.connect();
      return c;
    };
    const cam = await client(await ts.mint('camera', { label: 'Porch' }));
    const source = syntheticCamera(320, 240, YUV.red);
    cleanup.push(source.stop);
    await cam.publish(source.track, { source: 'camera', simulcast: false });
    const viewer = await client(await ts.mint('viewer'));
    const info = await until('the camera announced', () =>
      viewer.producers.find((p) => p.source === 'camera'),
    );
    const sub = await viewer.watch(info.producerId);
    const counter = frameCounter(sub.track!);
    cleanup.push(counter.stop);
    const frames = () => counter.state.frames;
    await grows('relayed frames', frames, 30, 60_000);
    const stats = await viewer.getStats();
    expect(JSON.stringify(stats)).toMatch(/relay/);

    const supervisor = ts.server.turn!.supervisor;
    const pid = supervisor.pid!;
    const t0 = Date.now();
    const restarted = new Promise<number>((resolve) =>
      supervisor.once('restarted', () => resolve(Date.now() - t0)),
    );
    process.kill(pid, 'SIGKILL');
    const restartMs = await restarted;
    // The relayed path is gone: frames stop, then come back over new allocations.
    const stalled = frames();
    await until('frames to stop', async () => {
      const n = frames();
      await new Promise((r) => setTimeout(r, 1000));
      return frames() === n;
    });
    expect(frames() - stalled).toBeLessThan(120);
    await grows('frames after the coturn restart', frames, 30, 90_000);
    const videoMs = Date.now() - t0;
    expect(supervisor.pid).not.toBe(pid);
    expect(viewer.state).toBe('connected');
    console.info(
      `[faults] coturn kill -9: coturn restarted ${restartMs} ms, relayed video back ${videoMs} ms after the kill`,
    );
  });
});
