/**
 * RTMP cameras: ffmpeg pushes like an encoder or a cloud VMS would. The right stream key gets the
 * camera recorded and replayable; a wrong key, a revoked key and a second publisher are refused
 * before any media is taken (ffmpeg fails, nothing is recorded).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setLogLevel, setLogSink } from '@porchlight/runtime';
import type { CreatedRtmpCamera, Device, IngestSourceList } from '@porchlight/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { decodeFrames, fragments, until } from '../recording/support.ts';

/** An encoder: test pattern + tone, H264 (no B-frames) + AAC, 1 s keyframes, as FLV over RTMP. */
function push(url: string): {
  child: ChildProcess;
  exit: Promise<number | null>;
  stderr: () => string;
} {
  const child = spawn('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-re'],
    ...['-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=15'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '15'],
    ...['-pix_fmt', 'yuv420p', '-c:a', 'aac', '-t', '120', '-f', 'flv', url],
  ]);
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exit, stderr: () => err };
}

describe('RTMP cameras with per-device stream keys', () => {
  let ts: TestServer;
  let token: string;
  let cam: CreatedRtmpCamera;
  const logs: string[] = [];
  const pushers: ChildProcess[] = [];
  const site = () => `/api/v1/sites/${ts.siteId}`;
  const device = async (id: string): Promise<Device | undefined> =>
    (await api<Device[]>(ts.url, 'GET', `${site()}/devices`, { token })).body.find(
      (d) => d.id === id,
    );
  const start = (url: string) => {
    const p = push(url);
    pushers.push(p.child);
    return p;
  };

  beforeAll(async () => {
    setLogSink({ out: { write: (l) => logs.push(l) }, err: { write: (l) => logs.push(l) } });
    ts = await startTestServer({
      recording: { defaultMode: 'continuous' },
      ingest: { rtmp: { enabled: true, port: 0, bindAddress: '127.0.0.1' } },
    });
    setLogLevel('debug');
    token = (await ts.mintWithId('viewer', { siteRole: 'owner' })).token;
    const r = await api<CreatedRtmpCamera>(ts.url, 'POST', `${site()}/ingest/rtmp`, {
      token,
      body: { name: 'Encoder' },
    });
    expect(r.status).toBe(201);
    cam = r.body;
  });
  afterEach(() => {
    for (const p of pushers.splice(0)) p.kill('SIGKILL');
  });
  afterAll(async () => {
    await ts?.close();
    setLogSink(undefined);
    setLogLevel('warn');
  });

  it('answers the publish URL with the key once; listing shows neither the key nor its hash', async () => {
    const port = ts.server.ingest.rtmpPort!;
    expect(cam.url).toBe(`rtmp://127.0.0.1:${port}/live/${cam.device.id}?key=${cam.key}`);
    const list = await api<IngestSourceList>(ts.url, 'GET', `${site()}/ingest`, { token });
    expect(JSON.stringify(list.body)).not.toContain(cam.key);
    expect(list.body.sources[0]).toMatchObject({
      kind: 'rtmp',
      hasStreamKey: true,
      publishUrl: `rtmp://127.0.0.1:${port}/live/${cam.device.id}`,
    });
  });

  it('a wrong key is refused: the encoder fails and nothing is recorded', async () => {
    const p = start(cam.url.replace(/key=.*/, 'key=not-the-key'));
    expect(await p.exit).not.toBe(0);
    expect((await device(cam.device.id))?.online).toBe(false);
    expect(await fragments(ts, token, ts.siteId, cam.device.id)).toHaveLength(0);
    expect(logs.join('\n')).toContain('wrong stream key');
  });

  it('the right key: online, recorded and replayable; a second publisher is refused', async () => {
    const first = start(cam.url);
    await until('online', async () => (await device(cam.device.id))?.online, 30_000);
    const second = start(cam.url);
    expect(await second.exit).not.toBe(0);
    const list = await until(
      '2 segments',
      async () => {
        const f = await fragments(ts, token, ts.siteId, cam.device.id);
        return f.length >= 2 ? f : undefined;
      },
      40_000,
    );
    const last = list[list.length - 1]!;
    const pb = await api<{ vod: string }>(
      ts.url,
      'POST',
      `${site()}/devices/${cam.device.id}/recording/playback`,
      { token, body: { from: list[0]!.producerTime, to: last.producerTime + last.durationMs } },
    );
    expect(await decodeFrames(`${ts.url}${pb.body.vod}`)).toBeGreaterThan(10);
    expect(first.child.exitCode).toBeNull();
  });

  it('revoking the key ends the live publish and refuses the old key', async () => {
    const live = start(cam.url);
    await until('online', async () => (await device(cam.device.id))?.online, 30_000);
    const before = (await fragments(ts, token, ts.siteId, cam.device.id)).length;
    const r = await api(ts.url, 'DELETE', `${site()}/ingest/${cam.device.id}/stream-key`, {
      token,
    });
    expect(r.status).toBe(204);
    expect(await live.exit).not.toBe(0);
    await until('offline', async () => (await device(cam.device.id))?.online === false, 30_000);
    const again = start(cam.url);
    expect(await again.exit).not.toBe(0);
    expect((await device(cam.device.id))?.online).toBe(false);
    // A rotated key works again, the revoked one still does not.
    const rotated = await api<{ url: string; key: string }>(
      ts.url,
      'POST',
      `${site()}/ingest/${cam.device.id}/stream-key`,
      { token },
    );
    expect(rotated.body.key).not.toBe(cam.key);
    expect(await start(cam.url).exit).not.toBe(0);
    start(rotated.body.url);
    await until('online with the new key', async () => (await device(cam.device.id))?.online);
    expect((await fragments(ts, token, ts.siteId, cam.device.id)).length).toBeGreaterThanOrEqual(
      before,
    );
  });

  it('no stream key appears in a log line', () => {
    expect(logs.join('\n')).not.toContain(cam.key);
    expect(logs.join('\n')).toContain(cam.device.id);
  });
});
