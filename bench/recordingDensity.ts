/**
 * Recording density: the in-process recorder at 50..300 concurrent 1 Mbps 720p H264 + Opus
 * cameras (until a step loses a segment, makes one playable later than 1 s after its media ended,
 * or saturates the machine), CPU per stream against bare `ffmpeg -c copy` in the same run, RSS per
 * stream, and 100 cameras reconnecting at once. See bench/recording/density.ts.
 * Results: bench/results/latest.{json,md} under "recordingDensity".
 *
 *   node --import tsx bench/recordingDensity.ts [--steps=50,100,150,200,250,300] [--window=8]
 *                                               [--budget=300] [--bare=16] [--reconnect=100]
 *                                               [--storage-dir=DIR]
 * (re-runs itself with UV_THREADPOOL_SIZE=64 unless that is set).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../tests/support/testServer.ts';
import { arg, numberArg, numberList } from './lib/args.ts';
import { quietLogs, runMain } from './lib/main.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { machineInfo, secondsSince } from './lib/resources.ts';
import { fmt } from './lib/stats.ts';
import { keeper } from './recording/cameras.ts';
import { densityBench, type DensityResult } from './recording/density.ts';
import { prepareClip } from './recording/media.ts';

const opts = {
  steps: numberList(arg('steps') ?? '50,100,150,200,250,300'),
  windowS: numberArg('window', 8),
  budgetS: numberArg('budget', 300),
  bareN: numberArg('bare', 16),
  reconnectN: numberArg('reconnect', 100),
  /** Where segments are stored ('' = the test server's data dir); e.g. a tmpfs to take fsync out. */
  storageDir: arg('storage-dir') ?? '',
};

function report(r: DensityResult): string {
  const rows = r.steps.map((s) => [
    s.n,
    fmt(s.perStreamPct, 3),
    fmt(s.ratioToBare, 2),
    fmt(s.serverCpuPct, 0),
    fmt(s.workerCpuPct, 0),
    fmt(s.sourceCpuPct, 0),
    fmt(s.machineBusyPct, 0),
    fmt(s.rssPerStreamMB, 2),
    `${s.segmentsInWindow}/${s.expectedInWindow}`,
    s.lost,
    `${fmt(s.playableAfterEndMs.p50, 0)} / ${fmt(s.playableAfterEndMs.max, 0)}`,
    fmt(s.eventLoopDelayP99Ms, 1),
    s.ok ? 'ok' : '✗',
  ]);
  const c = r.reconnect;
  return [
    `Bare \`ffmpeg -c copy\` (N=${r.bare.n}, same run): ${fmt(r.bare.perStreamPct, 3)} % of a core per stream.`,
    '',
    mdTable(
      [
        'N',
        'server %/stream',
        '× bare',
        'server %',
        'worker %',
        'sources %',
        'machine busy %',
        'RSS MB/stream',
        'segments',
        'lost',
        'playable after end p50/max ms',
        'loop p99 ms',
        '',
      ],
      rows,
    ),
    '',
    `Limit: **${r.limit}** cameras (${r.stopped}).`,
    `Server CPU over the passing steps: ${fmt(r.serverFit.intercept, 1)} % + ${fmt(r.serverFit.slope, 3)} % × N ` +
      `(marginal cost per stream ${fmt(r.serverFit.ratioToBare, 2)}× bare ffmpeg's).`,
    c
      ? `Reconnect storm: ${c.n} cameras leave and come back at once → every recorder running after ` +
        `${fmt(c.allRecordersMs, 0)} ms, every stream indexing its new run after ${fmt(c.allSegmentsMs, 0)} ms; ` +
        `event-loop delay p99 ${fmt(c.eventLoopDelayP99Ms, 1)} ms (max ${fmt(c.eventLoopDelayMaxMs, 1)} ms).`
      : '',
  ].join('\n');
}

/**
 * Each segment costs two fsyncs on libuv's threadpool (4 threads by default): with hundreds of
 * cameras they queue, and segments become playable seconds late. The server is meant to run with
 * a larger pool; the bench re-runs itself with one unless told otherwise.
 */
function withThreadpool(): boolean {
  if (process.env['UV_THREADPOOL_SIZE']) return false;
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, UV_THREADPOOL_SIZE: '64' },
  });
  process.exit(r.status ?? 1);
}

async function main(): Promise<void> {
  if (withThreadpool()) return;
  const t0 = performance.now();
  quietLogs();
  const machine = machineInfo();
  console.log(
    `[density] ${machine.cpuModel} x${machine.nproc}, load ${machine.loadAvg1.toFixed(2)}; steps ${opts.steps.join(',')}`,
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-density-'));
  let ts: TestServer | undefined;
  let result: DensityResult;
  try {
    const clip = prepareClip(tmp);
    ts = await startTestServer({
      recording: {
        defaultMode: 'continuous',
        muxer: 'inprocess',
        ...(opts.storageDir ? { storageDir: opts.storageDir } : {}),
      },
    });
    const room = await ts.server.rooms.getOrCreate(ts.siteId);
    keeper(room, ts.siteId);
    const server = ts;
    result = await densityBench(
      { ts, room, service: ts.server.recording.service, clip, tmp },
      opts,
      async (label) => (await server.mintWithId('camera', { label })).id,
    );
  } finally {
    await ts?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const md = report(result);
  const durationSeconds = secondsSince(t0);
  recordResult('recordingDensity', { options: opts, ...result }, md, { durationSeconds, machine });
  console.log(`\n${md}\n`);
  console.log(
    `[density] done in ${durationSeconds.toFixed(0)} s (load at the end ${os.loadavg()[0]!.toFixed(2)})`,
  );
}

runMain('recordingDensity', main);
