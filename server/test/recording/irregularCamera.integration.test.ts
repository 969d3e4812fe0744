/**
 * A camera whose frames arrive unevenly (a busy camera, a busy box) is recorded in real time.
 * ffmpeg used to probe a frame rate from the first frames; uneven ones gave it the 90 kHz RTP
 * clock, and mp4's constant-rate output then duplicated each frame ~3000 times: the recorder ran
 * at ~0.03x real time and no segment came for 30+ s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { PorchlightClient } from '@porchlight/sdk';
import { installWrtcGlobals } from '../../../tests/support/wrtc.ts';
import { numberedCamera } from './numberedFrames.ts';
import { until } from './support.ts';

describe('recording a camera with irregular frame timing', () => {
  let ts: TestServer;
  const closers: (() => void)[] = [];
  beforeAll(async () => {
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
  });
  afterAll(async () => {
    for (const close of closers) close();
    await ts?.close();
  });

  it('keeps up with real time: segments arrive and cover the wall-clock time', async () => {
    installWrtcGlobals();
    const device = await ts.mintWithId('camera', { label: 'Busy' });
    const client = new PorchlightClient({
      url: ts.url,
      token: device.token,
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    await client.connect();
    const camera = numberedCamera(160, 120, 30, 0.9);
    closers.push(() => {
      camera.stop();
      client.close();
    });
    await client.publish(camera.track, { source: 'camera', simulcast: false });
    const stream = (await ts.server.recording.service.streamOf(device.id))!;
    const runId = await until('a run', () => stream.activeRunId);
    const started = Date.now();
    const rows = await until('4 segments of the run', async () => {
      const r = (await ts.server.recording.index.allSegments(device.id)).filter(
        (s) => s.runId === runId,
      );
      return r.length >= 4 ? r : undefined;
    });
    const mediaMs = rows.reduce((a, r) => a + r.durationMs, 0);
    const wallMs = Date.now() - started;
    console.info(`[irregular] ${mediaMs} ms of media recorded in ${wallMs} ms`);
    // Real time: the recorded media grows about as fast as the clock (start-up aside).
    expect(mediaMs).toBeGreaterThan(wallMs * 0.5);
  });
});
