import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PorchlightClient } from '@porchlight/sdk';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { frameCounter, installWrtcGlobals } from '../../../tests/support/wrtc.ts';
import { fragments, until } from '../recording/support.ts';

installWrtcGlobals();

const SCRIPT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../tests/support/gst/whip_publish.py',
);

/** Starts the GStreamer webrtcbin publisher; resolves once its WHIP POST was answered 201. */
function gstPublish(
  url: string,
  token: string,
  codec: 'vp8' | 'h264',
): Promise<{
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  stop: () => Promise<string>;
}> {
  const child = spawn('/usr/bin/python3', [SCRIPT, url, token, codec]);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<string> => {
    child.stdin.end();
    await exited;
    return out;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no WHIP answer: ${out}`)), 20_000);
    child.stdout.on('data', () => {
      if (/WHIP 201/.test(out)) {
        clearTimeout(timer);
        resolve({ child, output: () => out, stop });
      } else if (/ERROR/.test(out)) {
        clearTimeout(timer);
        reject(new Error(out));
      }
    });
  });
}

/** GStreamer's webrtcbin (libnice, its own DTLS/SRTP): a WebRTC stack other than libwebrtc. */
describe('WHIP from GStreamer webrtcbin', () => {
  let ts: TestServer;
  const cleanup: (() => unknown)[] = [];

  beforeAll(async () => {
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
  });
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
    await ts?.close();
  });

  it('VP8: the app viewer decodes the red test picture; DELETE on exit ends the camera', async () => {
    const { token, id } = await ts.mintWithId('camera', { label: 'Gst VP8' });
    const gst = await gstPublish(`${ts.url}/whip/v1/devices/${id}`, token, 'vp8');
    cleanup.push(() => gst.stop());
    const viewer = new PorchlightClient({
      url: ts.url,
      token: await ts.mint('viewer'),
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
    cleanup.push(() => viewer.close());
    await viewer.connect();
    await until('the camera', () => viewer.producers.find((p) => p.deviceId === id));
    const info = viewer.producers.find((p) => p.deviceId === id)!;
    expect(info.label).toBe('Gst VP8');
    const sub = await viewer.watch(info.producerId);
    const counter = frameCounter(sub.track!);
    cleanup.push(counter.stop);
    await until('20 decoded frames', () => counter.state.frames >= 20);
    expect(counter.state.width).toBe(320);
    // videotestsrc pattern=red: Y≈81 (BT.601); black or grey would fail.
    expect(counter.state.meanY).toBeGreaterThan(65);
    expect(counter.state.meanY).toBeLessThan(100);
    const out = await gst.stop();
    expect(out).toMatch(/DELETED 200/);
    await until('the camera to go', () => !viewer.producers.some((p) => p.deviceId === id));
  });

  it('H264 (x264enc): the camera is recorded', async () => {
    const { token, id } = await ts.mintWithId('camera', { label: 'Gst H264' });
    const gst = await gstPublish(`${ts.url}/whip/v1/devices/${id}`, token, 'h264');
    cleanup.push(() => gst.stop());
    const producer = ts.server.rooms.rooms.get(ts.siteId)!.producersOfDevice(id)[0]!;
    expect(producer.rtpParameters.codecs[0]!.mimeType).toBe('video/H264');
    const owner = await ts.mint('viewer');
    const recorded = await until(
      '2 recorded fragments',
      async () => {
        const f = await fragments(ts, owner, ts.siteId, id);
        return f.length >= 2 ? f : undefined;
      },
      45_000,
    );
    expect(recorded.some((f) => f.keyframe)).toBe(true);
    expect(recorded.reduce((n, f) => n + f.bytes, 0)).toBeGreaterThan(1000);
    await gst.stop();
  });
});
