/**
 * RTSP cameras (docs/cameras.md), on loopback against GStreamer's RTSP server (H264 640x360 15 fps
 * + Opus, Digest auth, as tests/support/gst/rtsp_server.py serves it):
 *
 * - connect -> recording: per run, an owner creates an RTSP camera (REST); from the request start
 *   to the device online (first RTP at the PlainTransport) and to its first recorded segment in the
 *   index. The camera is removed between runs (BENCH_RUNS=5).
 * - CPU per camera: BENCH_CAMERAS=4 RTSP cameras pulled by the server for BENCH_WINDOW_S=20 s:
 *   CPU seconds of their ffmpeg children, and of the whole server (node process incl. recording,
 *   mediasoup workers, ffmpeg children); then, in the same run, the same number of bare
 *   `ffmpeg -rtsp_transport tcp -i ... -c copy -f null -` pulls for the same window. Reported per
 *   camera and as ratios (ours / bare).
 *
 * Run alone: `node --import tsx bench/rtspIngest.ts`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Device } from '@porchlight/protocol';
import { startGstRtsp } from '../tests/support/gstRtsp.ts';
import { api } from '../tests/support/http.ts';
import { startTestServer } from '../tests/support/testServer.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { processCpuMs, sleep } from './lib/resources.ts';
import { fmt, ratio, summarize } from './lib/stats.ts';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const CAMERAS = Number(process.env['BENCH_CAMERAS'] ?? 4);
const WINDOW_S = Number(process.env['BENCH_WINDOW_S'] ?? 20);
const USER = 'admin';
const PASSWORD = 'bench-password';

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** CPU ms of a set of processes between two readings. */
function cpuOf(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (processCpuMs(pid) || 0), 0);
}

async function main(): Promise<void> {
  const started = Date.now();
  const gst = await startGstRtsp({ user: USER, password: PASSWORD });
  const ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
  const token = (await ts.mintWithId('viewer', { siteRole: 'owner' })).token;
  const site = `/api/v1/sites/${ts.siteId}`;
  const credentials = { username: USER, password: PASSWORD };
  const create = async (name: string): Promise<string> =>
    (
      await api<{ device: Device }>(ts.url, 'POST', `${site}/ingest/rtsp`, {
        token,
        body: { name, url: gst.url, credentials },
      })
    ).body.device.id;
  const online = (id: string) =>
    until('online', async () => {
      const list = await api<Device[]>(ts.url, 'GET', `${site}/devices`, { token });
      return list.body.find((d) => d.id === id)?.online ? true : undefined;
    });
  try {
    const toOnline: number[] = [];
    const toSegment: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const id = await create(`Run ${i}`);
      await online(id);
      toOnline.push(performance.now() - t0);
      await until('first segment', async () => {
        const r = await api<{ fragments: unknown[] }>(
          ts.url,
          'GET',
          `${site}/devices/${id}/recording/fragments?from=0&to=${Date.now() + 60_000}`,
          { token },
        );
        return r.body.fragments.length > 0 ? true : undefined;
      });
      toSegment.push(performance.now() - t0);
      await api(ts.url, 'DELETE', `${site}/ingest/${id}`, { token });
    }

    // CPU: N cameras through the server.
    const ids: string[] = [];
    for (let i = 0; i < CAMERAS; i++) ids.push(await create(`Cpu ${i}`));
    for (const id of ids) await online(id);
    await sleep(3000);
    const ffmpegPids = ids.map((id) => ts.server.ingest.feed(id)!.pid!);
    const workerPids = ts.server.pool.slots.map((s) => s.worker.pid);
    const nodeCpu = (): number => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const f0 = cpuOf(ffmpegPids);
    const w0 = cpuOf(workerPids);
    const n0 = nodeCpu();
    await sleep(WINDOW_S * 1000);
    const ffmpegMs = cpuOf(ffmpegPids) - f0;
    const workersMs = cpuOf(workerPids) - w0;
    const nodeMs = nodeCpu() - n0;
    for (const id of ids) await api(ts.url, 'DELETE', `${site}/ingest/${id}`, { token });

    // The same pulls, bare.
    const url = new URL(gst.url);
    url.username = USER;
    url.password = PASSWORD;
    const bare: ChildProcess[] = [];
    for (let i = 0; i < CAMERAS; i++)
      bare.push(
        spawn(
          'ffmpeg',
          [
            '-hide_banner',
            '-loglevel',
            'error',
            '-rtsp_transport',
            'tcp',
            '-i',
            url.toString(),
          ].concat(['-c', 'copy', '-f', 'null', '-']),
          { stdio: 'ignore' },
        ),
      );
    await sleep(3000);
    const barePids = bare.map((c) => c.pid!);
    const b0 = cpuOf(barePids);
    await sleep(WINDOW_S * 1000);
    const bareMs = cpuOf(barePids) - b0;
    for (const c of bare) c.kill('SIGKILL');

    const perCam = (ms: number): number => ms / 1000 / WINDOW_S / CAMERAS;
    const s = {
      runs: RUNS,
      cameras: CAMERAS,
      windowSeconds: WINDOW_S,
      connectToOnlineMs: summarize(toOnline),
      connectToFirstSegmentMs: summarize(toSegment),
      cpuPerCamera: {
        ingestFfmpeg: perCam(ffmpegMs),
        server: perCam(ffmpegMs + workersMs + nodeMs),
        bareFfmpegCopy: perCam(bareMs),
      },
      ratio: {
        ingestFfmpegToBare: ratio(ffmpegMs, bareMs),
        serverToBare: ratio(ffmpegMs + workersMs + nodeMs, bareMs),
      },
    };
    const pct = (x: number): string => `${fmt(x * 100, 2)} %`;
    const md = [
      `Loopback, GStreamer RTSP server (H264 640x360 15 fps + Opus, Digest auth), ${RUNS} connects, ${CAMERAS} cameras for ${WINDOW_S} s.`,
      '',
      mdTable(
        ['connect (REST create) ->', 'n', 'p50 ms', 'p95 ms', 'max ms'],
        [
          [
            'device online',
            RUNS,
            fmt(s.connectToOnlineMs.p50),
            fmt(s.connectToOnlineMs.p95),
            fmt(s.connectToOnlineMs.max),
          ],
          [
            'first recorded segment',
            RUNS,
            fmt(s.connectToFirstSegmentMs.p50),
            fmt(s.connectToFirstSegmentMs.p95),
            fmt(s.connectToFirstSegmentMs.max),
          ],
        ],
      ),
      '',
      mdTable(
        ['CPU per camera (share of one core)', 'value', 'ratio to bare pull'],
        [
          [
            'bare `ffmpeg -rtsp_transport tcp -i ... -c copy -f null -`',
            pct(s.cpuPerCamera.bareFfmpegCopy),
            '1',
          ],
          [
            'our ffmpeg (RTSP -> RTP into the PlainTransport)',
            pct(s.cpuPerCamera.ingestFfmpeg),
            fmt(s.ratio.ingestFfmpegToBare, 2),
          ],
          [
            'whole server (ffmpeg + mediasoup + node incl. recording)',
            pct(s.cpuPerCamera.server),
            fmt(s.ratio.serverToBare, 2),
          ],
        ],
      ),
      '',
      'Online = first RTP bytes at the PlainTransport; the first segment waits for the recorder (a 2 s keyframe-aligned segment), so it includes one GOP (1 s here) and the segment length. The whole-server row includes recording (encryption, indexing), which the bare pull does not do.',
    ].join('\n');
    const out = recordResult('rtspIngest', s, md, {
      durationSeconds: (Date.now() - started) / 1000,
    });
    process.stdout.write(`\n${md}\n\nwritten: ${out.json}\n`);
  } finally {
    await ts.close();
    await gst.stop();
  }
}

await main();
