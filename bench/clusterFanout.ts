/**
 * One camera fanned out to viewers spread over 3 cluster nodes (pipe transports between them) vs
 * the same viewers all on the camera's node, in the same run. Three PorchlightServer nodes in this
 * process on 127.0.0.1/.2/.3 (real Redis, PostgreSQL, one mediasoup worker each), Node + wrtc
 * clients (VP8 320x240 at 20 fps, no simulcast).
 *
 * Metrics:
 * - time to first frame: t0 = just before `watch`, t1 = first decoded frame, for a viewer on the
 *   camera's node (local), on another node whose pipe is opened by this watch (remote, cold: the
 *   previous run's pipe was released) and on a node whose pipe is already open (remote, warm);
 *   alternating, BENCH_RUNS each (default 10).
 * - CPU: each node's mediasoup worker CPU (ms per s) over a steady 10 s window: nobody watching
 *   (baseline), BENCH_VIEWERS (default 12) viewers spread 1/3 per node, then all on the camera's
 *   node. Pipes use SRTP (media.pipeSrtp, the default).
 * - consumers per core: (worker CPU of a layout - the baseline) / viewers = CPU per consumer, and
 *   1000 / that, for both layouts and their ratio (spread / single: what the pipes cost per
 *   consumer). Cameras per core: 1000 / (the camera node's baseline worker CPU - the other two
 *   workers' baseline): one camera received, nobody watching, no recording; at 1 ms/s resolution
 *   (10 ms CPU ticks over 10 s), so a rough figure. Worker CPU only: the nodes share this process with the wrtc
 *   clients, so their JavaScript CPU cannot be told apart here.
 *
 * `node --import tsx bench/clusterFanout.ts` (BENCH_RUNS, BENCH_VIEWERS)
 */
import type { PorchlightClient, Subscription } from '@porchlight/sdk';
import { startTestCluster, type TestNode } from '../tests/support/clusterNodes.ts';
import { frameCounter, installWrtcGlobals, syntheticCamera, YUV } from '../tests/support/wrtc.ts';
import { quietLogs, runMain } from './lib/main.ts';
import { processCpuMs, sleep } from './lib/resources.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { fmt, summarize } from './lib/stats.ts';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 10);
const VIEWERS = Number(process.env['BENCH_VIEWERS'] ?? 12);
const CPU_WINDOW_MS = 10_000;

installWrtcGlobals();
quietLogs();

async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** Watches `producerId` and resolves with ms to the first decoded frame; the watch stays open. */
async function firstFrame(
  viewer: PorchlightClient,
  producerId: string,
): Promise<{ ms: number; sub: Subscription; stop: () => void }> {
  const t0 = performance.now();
  const sub = await viewer.watch(producerId);
  const counter = frameCounter(sub.track!);
  await until('a first frame', () => counter.state.frames > 0);
  return { ms: performance.now() - t0, sub, stop: counter.stop };
}

function workerCpu(node: TestNode): number {
  return node.server.pool.slots.reduce((n, s) => n + processCpuMs(s.worker.pid), 0);
}

async function main(): Promise<void> {
  const started = Date.now();
  const cluster = await startTestCluster(3);
  const [a, b, c] = cluster.nodes as [TestNode, TestNode, TestNode];
  const siteId = a.siteId;
  const clients: PorchlightClient[] = [];
  const connect = async (node: TestNode, label: string): Promise<PorchlightClient> => {
    const v = cluster.client(node, await node.mint('viewer', { siteId, label }), label);
    clients.push(v);
    await v.connect();
    return v;
  };
  const source = syntheticCamera(320, 240, YUV.red, 20);
  try {
    await until('3 live nodes', () => a.server.cluster.nodes.live().length === 3, 30_000);
    const cam = cluster.client(a, await a.mint('camera', { siteId, label: 'bench' }));
    clients.push(cam);
    await cam.connect();
    const pub = await cam.publish(source.track, { source: 'camera', simulcast: false });
    const producerId = pub.id!;
    const local = await connect(a, 'local');
    const cold = await connect(b, 'cold');
    const warm = await connect(c, 'warm');
    const holder = await connect(c, 'holder');
    for (const v of [local, cold, warm, holder])
      await until('the camera announced', () =>
        v.producers.some((p) => p.producerId === producerId),
      );
    const held = await firstFrame(holder, producerId); // keeps C's pipe open

    const ms = { local: [] as number[], cold: [] as number[], warm: [] as number[] };
    for (let i = 0; i <= RUNS; i++) {
      const row: string[] = [];
      for (const [name, viewer] of [
        ['local', local],
        ['cold', cold],
        ['warm', warm],
      ] as const) {
        const r = await firstFrame(viewer, producerId);
        r.stop();
        r.sub.close();
        if (i > 0) ms[name].push(r.ms); // the first round warms up
        row.push(`${name} ${r.ms.toFixed(0)}`);
        // Let the encoder's keyframe spacing (and B's pipe release) settle between watches.
        await sleep(400);
      }
      if (pipesAt(b) > 0) await until('B pipe released', () => pipesAt(b) === 0);
      process.stdout.write(`run ${i}/${RUNS}: ${row.join(', ')} ms\n`);
    }
    held.stop();
    held.sub.close();

    const cpu = async (
      layout: string,
      nodes: TestNode[],
    ): Promise<{
      layout: string;
      perNodeMsPerS: number[];
      totalMsPerS: number;
      frames: number;
    }> => {
      const watching: { stop(): void; sub: Subscription }[] = [];
      const counters: { state: { frames: number } }[] = [];
      for (let i = 0; i < VIEWERS; i++) {
        const v = await connect(nodes[i % nodes.length]!, `${layout}-${i}`);
        await until('announced', () => v.producers.some((p) => p.producerId === producerId));
        const sub = await v.watch(producerId);
        const counter = frameCounter(sub.track!);
        counters.push(counter);
        watching.push({ stop: counter.stop, sub });
      }
      await until('every viewer decoding', () => counters.every((x) => x.state.frames > 5), 60_000);
      await sleep(2_000);
      const before = cluster.nodes.map(workerCpu);
      const framesBefore = counters.reduce((n, x) => n + x.state.frames, 0);
      await sleep(CPU_WINDOW_MS);
      const perNode = cluster.nodes.map(
        (n, i) => (workerCpu(n) - before[i]!) / (CPU_WINDOW_MS / 1000),
      );
      const frames = counters.reduce((n, x) => n + x.state.frames, 0) - framesBefore;
      for (const w of watching) {
        w.stop();
        w.sub.close();
      }
      for (const v of clients.splice(clients.length - VIEWERS)) v.close();
      return {
        layout,
        perNodeMsPerS: perNode,
        totalMsPerS: perNode.reduce((x, y) => x + y, 0),
        frames: frames / (CPU_WINDOW_MS / 1000) / VIEWERS,
      };
    };
    // Baseline: the camera and the idle latency viewers, nobody watching.
    const idleBefore = cluster.nodes.map(workerCpu);
    await sleep(CPU_WINDOW_MS);
    const idle = {
      layout: 'nobody watching (baseline)',
      perNodeMsPerS: cluster.nodes.map(
        (n, i) => (workerCpu(n) - idleBefore[i]!) / (CPU_WINDOW_MS / 1000),
      ),
      totalMsPerS: 0,
      frames: 0,
    };
    idle.totalMsPerS = idle.perNodeMsPerS.reduce((x, y) => x + y, 0);
    const spread = await cpu('spread over 3 nodes', [a, b, c]);
    await sleep(2_000);
    const single = await cpu('all on the camera node', [a]);

    // CPU per consumer above the baseline, and what one core holds at that rate.
    const perConsumer = (r: { totalMsPerS: number }): number =>
      (r.totalMsPerS - idle.totalMsPerS) / VIEWERS;
    const perCore = (r: { totalMsPerS: number }): number => 1000 / perConsumer(r);
    const consumers = {
      spread: { cpuMsPerSPerConsumer: perConsumer(spread), consumersPerCore: perCore(spread) },
      single: { cpuMsPerSPerConsumer: perConsumer(single), consumersPerCore: perCore(single) },
      spreadVsSingle: perCore(spread) / perCore(single),
      // The camera node's idle worker above the other two idle workers: what receiving it costs.
      camerasPerCore:
        1000 / (idle.perNodeMsPerS[0]! - (idle.perNodeMsPerS[1]! + idle.perNodeMsPerS[2]!) / 2),
    };
    const l = summarize(ms.local);
    const k = summarize(ms.cold);
    const w = summarize(ms.warm);
    const data = {
      runs: RUNS,
      viewers: VIEWERS,
      firstFrameMs: { local: l, remoteCold: k, remoteWarm: w },
      addedP50Ms: { remoteCold: k.p50 - l.p50, remoteWarm: w.p50 - l.p50 },
      cpu: [idle, spread, single],
      consumers,
    };
    const md = [
      `One camera (VP8 320x240, 20 fps) on node A of 3 in-process nodes (127.0.0.1/.2/.3, Redis + PostgreSQL, one worker each), viewers in Node + wrtc, ${RUNS} runs each, alternating.`,
      '',
      mdTable(
        ['watch -> first frame', 'p50 ms', 'p95 ms', 'max ms', 'added p50 vs local'],
        [
          ['viewer on A (local)', fmt(l.p50, 0), fmt(l.p95, 0), fmt(l.max, 0), ''],
          [
            'viewer on B, pipe opened by this watch',
            fmt(k.p50, 0),
            fmt(k.p95, 0),
            fmt(k.max, 0),
            fmt(k.p50 - l.p50, 0),
          ],
          [
            'viewer on C, pipe already open',
            fmt(w.p50, 0),
            fmt(w.p95, 0),
            fmt(w.max, 0),
            fmt(w.p50 - l.p50, 0),
          ],
        ],
      ),
      '',
      mdTable(
        [
          `${VIEWERS} viewers`,
          'worker CPU A ms/s',
          'B ms/s',
          'C ms/s',
          'total ms/s',
          'fps per viewer',
        ],
        [idle, spread, single].map((r) => [
          r.layout,
          ...r.perNodeMsPerS.map((x) => fmt(x, 1)),
          fmt(r.totalMsPerS, 1),
          fmt(r.frames, 1),
        ]),
      ),
      '',
      mdTable(
        ['consumers (same run)', 'worker CPU ms/s per consumer', 'consumers per core'],
        [
          [
            'spread over 3 nodes (pipes)',
            fmt(consumers.spread.cpuMsPerSPerConsumer, 2),
            fmt(consumers.spread.consumersPerCore, 0),
          ],
          [
            'all on the camera node',
            fmt(consumers.single.cpuMsPerSPerConsumer, 2),
            fmt(consumers.single.consumersPerCore, 0),
          ],
        ],
      ),
      '',
      `Spread vs single node: ×${fmt(consumers.spreadVsSingle, 2)} consumers per core (worker CPU above the baseline / ${VIEWERS} viewers). ` +
        `Cameras per core (one camera received by the worker above an idle worker, nobody watching, no recording; rough: 1 ms/s resolution): ${fmt(consumers.camerasPerCore, 0)}.`,
    ].join('\n');
    const out = recordResult('clusterFanout', data, md, {
      durationSeconds: (Date.now() - started) / 1000,
    });
    process.stdout.write(`\n${md}\n\nwritten: ${out.json}\n`);
  } finally {
    source.stop();
    for (const v of clients) v.close();
    await cluster.close();
  }

  function pipesAt(node: TestNode): number {
    return node.server.clusterMedia?.receiver.transports.length ?? 0;
  }
}

runMain('clusterFanout', main);
