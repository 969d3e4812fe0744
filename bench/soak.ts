/**
 * Soak: a real server (bench/lib/soakServerChild.ts, its own process) under churn in compressed
 * time. Every cycle (SOAK_CYCLE_SECONDS, default 20 s): one of the cameras leaves and comes back,
 * a viewer joins, watches every camera until frames arrive and leaves, a camera posts a detection
 * event, a doorbell call is rung, answered (the homeowner watches the visitor) and hung up; every
 * SOAK_ROTATE_EVERY cycles an admin rotates the recording master key. Recording is continuous with
 * a small quota (recording.maxTotalBytes), so the disk guard deletes segments all the time (short
 * retention). Every SOAK_SAMPLE_SECONDS the server reports RSS, heap, fds, event-loop lag (p99),
 * live transports/producers/consumers, its mediasoup worker's RSS and its other child processes.
 *
 * Growth: the median of the last 3 samples against the median of the first 3 after the warm-up
 * (SOAK_WARMUP_SECONDS, default a fifth of the run); goal <= 5 %. Errors: failed cycle steps and
 * recording failures ('write' is a lost segment). Writes bench/results/soak-<time>.json and .md.
 *
 *   npm run soak                                  # 1 h
 *   SOAK_SECONDS=600 npm run soak                 # 10 min
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PorchlightClient, type ClientOptions } from '@porchlight/sdk';
import { DeviceTokens, PorchlightApi, SessionManager } from '@porchlight/sdk/rest';
import type { VisitorSession } from '@porchlight/protocol';
import { api } from '../tests/support/http.ts';
import { frameCounter, installWrtcGlobals, syntheticCamera, YUV } from '../tests/support/wrtc.ts';
import { ChildRpc } from './lib/ipc.ts';
import { quietLogs, runMain } from './lib/main.ts';
import { mdTable, RESULTS_DIR } from './lib/results.ts';
import { machineInfo } from './lib/resources.ts';
import type { SoakSample } from './lib/soakServerChild.ts';

const env = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const DURATION_S = env('SOAK_SECONDS', 3600);
const CYCLE_S = env('SOAK_CYCLE_SECONDS', 20);
const SAMPLE_S = env('SOAK_SAMPLE_SECONDS', 15);
const WARMUP_S = env('SOAK_WARMUP_SECONDS', Math.round(DURATION_S / 5));
const CAMERAS = env('SOAK_CAMERAS', 3);
const ROTATE_EVERY = env('SOAK_ROTATE_EVERY', 10);
const GOAL_PCT = 5;
const here = path.dirname(fileURLToPath(import.meta.url));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface Camera {
  credential: string;
  id: string;
  /** Device tokens from the credential, as a camera gets them (the SDK's DeviceTokens). */
  token: () => Promise<string>;
  client?: PorchlightClient;
  stop?: () => void;
}

async function main(): Promise<void> {
  quietLogs();
  installWrtcGlobals();
  const rpc = ChildRpc.fork(path.join(here, 'lib/soakServerChild.ts'), [], ['--expose-gc']);
  const { url, siteId } = await rpc.waitEvent<{ url: string; siteId: string }>('ready', 60_000);
  const client = (token: ClientOptions['token'], callId?: string): PorchlightClient =>
    new PorchlightClient({
      url,
      token,
      ...(callId ? { callId } : {}),
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false },
    });
  const errors: { at: number; step: string; error: string }[] = [];
  const step = async (name: string, f: () => Promise<void>): Promise<void> => {
    try {
      await f();
    } catch (error) {
      errors.push({ at: Date.now(), step: name, error: String(error) });
      console.error(`[soak] ${name}: ${String(error)}`);
    }
  };

  // People log in with a password and the SDK refreshes before their access token runs out; an
  // hour outlives every token several times, so refresh-token rotation is soaked too. Cameras
  // exchange their credential for device tokens, as the SDK does for them.
  const rest = new PorchlightApi({ url });
  const person = async (email: string, admin: boolean): Promise<() => Promise<string>> => {
    const password = 'soak password 1234';
    await rpc.request('person', { email, password, admin });
    const session = new SessionManager({ api: rest, storage: null });
    await session.login(email, password);
    return () => session.getToken();
  };
  const owner = await person('owner@soak.example', false);
  const admin = await person('admin@soak.example', true);
  const doorId = await rpc.request<string>('doorbell');
  const doorToken = (
    await api<{ token: string }>(url, 'POST', `/api/v1/sites/${siteId}/doors/${doorId}/tokens`, {
      token: await owner(),
      body: {},
    })
  ).body.token;

  const cameras: Camera[] = [];
  for (let i = 0; i < CAMERAS; i++) {
    const c = await rpc.request<{ credential: string; id: string }>('camera', {
      label: `Cam ${i}`,
    });
    const tokens = new DeviceTokens({ api: rest, credential: c.credential });
    cameras.push({ ...c, token: () => tokens.getToken() });
  }
  const bringUp = async (c: Camera, colour: number): Promise<void> => {
    const cl = client(c.token);
    c.client = cl;
    await cl.connect();
    const source = syntheticCamera(320, 240, colour % 2 ? YUV.red : YUV.blue);
    c.stop = () => {
      source.stop();
      cl.close();
    };
    await cl.publish(source.track, { source: 'camera', simulcast: false });
  };
  for (const [i, c] of cameras.entries()) await bringUp(c, i);

  const samples: SoakSample[] = [];
  const started = Date.now();
  const sampler = setInterval(() => {
    void rpc.request<SoakSample>('sample').then(
      (s) => samples.push(s),
      (e: unknown) => errors.push({ at: Date.now(), step: 'sample', error: String(e) }),
    );
  }, SAMPLE_S * 1000);
  samples.push(await rpc.request<SoakSample>('sample'));

  let cycle = 0;
  let calls = 0;
  let events = 0;
  let rotations = 0;
  let viewers = 0;
  while (Date.now() - started < DURATION_S * 1000) {
    const cycleStart = Date.now();
    cycle++;
    const cam = cameras[cycle % cameras.length]!;
    await step('camera churn', async () => {
      cam.stop?.();
      await bringUp(cam, cycle);
    });
    await step('viewer', async () => {
      const v = client(owner);
      try {
        await v.connect();
        await until(`${cameras.length} cameras announced`, () =>
          cameras.every((c) => v.producers.some((p) => p.deviceId === c.id)),
        );
        const counters: ReturnType<typeof frameCounter>[] = [];
        for (const p of v.producers.filter((x) => x.source === 'camera')) {
          const sub = await v.watch(p.producerId);
          counters.push(frameCounter(sub.track!));
        }
        await until('frames of every camera', () => counters.every((c) => c.state.frames >= 5));
        for (const c of counters) c.stop();
        viewers++;
      } finally {
        v.close();
      }
    });
    await step('detection event', async () => {
      const c = cameras[(cycle + 1) % cameras.length]!;
      const r = await api(url, 'POST', `/api/v1/devices/${c.id}/events`, {
        token: await c.token(),
        body: {
          label: 'person',
          startedAt: Date.now() - 500,
          sentAt: Date.now(),
          maxScore: 0.9,
          zones: [],
          track: [],
          detector: { backend: 'cpu', model: 'soak', msPerFrame: 10 },
        },
      });
      if (r.status !== 201 && r.status !== 200) throw new Error(`event: ${r.status}`);
      events++;
    });
    await step('call', async () => {
      const rung = await api<VisitorSession>(url, 'POST', '/api/v1/visit/ring', {
        body: { doorToken },
      });
      if (rung.status !== 201) throw new Error(`ring: ${rung.status}`);
      const callId = rung.body.call.callId;
      const visitor = client(rung.body.credential, callId);
      const home = client(owner, callId);
      const source = syntheticCamera(320, 240, YUV.red);
      try {
        await visitor.connect();
        await visitor.publish(source.track, { source: 'camera', simulcast: false });
        const answered = await api(url, 'POST', `/api/v1/calls/${callId}/answer`, {
          token: await owner(),
          body: { deviceLabel: 'Soak phone' },
        });
        if (answered.status !== 200) throw new Error(`answer: ${answered.status}`);
        await home.connect();
        await until('visitor camera', () => home.producers.some((p) => p.source === 'camera'));
        const sub = await home.watch(home.producers.find((p) => p.source === 'camera')!.producerId);
        const frames = frameCounter(sub.track!);
        await until('call frames', () => frames.state.frames >= 5);
        frames.stop();
        await api(url, 'POST', `/api/v1/calls/${callId}/hangup`, {
          token: await owner(),
          body: {},
        });
        calls++;
      } finally {
        source.stop();
        visitor.close();
        home.close();
      }
    });
    if (cycle % ROTATE_EVERY === 0)
      await step('key rotation', async () => {
        const r = await api(url, 'POST', '/api/v1/admin/recording-keys/rotate', {
          token: await admin(),
          body: {},
        });
        if (r.status !== 200) throw new Error(`rotate: ${r.status} ${JSON.stringify(r.body)}`);
        rotations++;
      });
    await sleep(Math.max(0, CYCLE_S * 1000 - (Date.now() - cycleStart)));
  }
  clearInterval(sampler);
  samples.push(await rpc.request<SoakSample>('sample'));
  for (const c of cameras) c.stop?.();
  await rpc.close(20_000);

  // Growth after the warm-up.
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] ?? Number.NaN;
  };
  const after = samples.filter((s) => s.at - started >= WARMUP_S * 1000);
  const metrics: Record<string, (s: SoakSample) => number> = {
    'node RSS': (s) => s.node.rss,
    'node heap used': (s) => s.node.heapUsed,
    'node fds': (s) => s.node.fds,
    'worker RSS': (s) => s.workers.reduce((a, w) => a + w.rss, 0),
    'other processes RSS': (s) => s.others.rss,
    transports: (s) => s.transports,
    producers: (s) => s.producers,
    consumers: (s) => s.consumers,
  };
  const growth = Object.entries(metrics).map(([name, f]) => {
    const first = median(after.slice(0, 3).map(f));
    const last = median(after.slice(-3).map(f));
    const pct = first > 0 ? ((last - first) / first) * 100 : last > 0 ? Infinity : 0;
    return { name, afterWarmup: first, end: last, growthPct: Math.round(pct * 10) / 10 };
  });
  const lastSample = samples.at(-1)!;
  const lag = samples.map((s) => s.node.lagP99Ms);
  const result = {
    at: new Date().toISOString(),
    machine: machineInfo(),
    config: { DURATION_S, CYCLE_S, SAMPLE_S, WARMUP_S, CAMERAS, ROTATE_EVERY },
    wallSeconds: Math.round((Date.now() - started) / 1000),
    cycles: cycle,
    viewers,
    calls,
    events,
    rotations,
    errors,
    recordingFailures: lastSample.failures,
    lostSegments: lastSample.failures['write'] ?? 0,
    segmentsWritten: lastSample.segmentsWritten,
    eventLoopLagP99Ms: { median: median(lag), max: Math.max(...lag) },
    growth,
    withinGoal: growth.every((g) => g.growthPct <= GOAL_PCT),
    samples,
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = result.at.replace(/[:.]/g, '-');
  const file = path.join(RESULTS_DIR, `soak-${stamp}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  const mb = (n: number, name: string) =>
    /RSS|heap/.test(name) ? `${(n / 2 ** 20).toFixed(1)} MiB` : String(n);
  const md = [
    `# Soak ${result.at}`,
    '',
    `${result.wallSeconds} s wall clock, ${cycle} cycles: ${viewers} viewers, ${calls} calls, ` +
      `${events} detection events, ${rotations} key rotations; ${lastSample.segmentsWritten} ` +
      `segments written, ${result.lostSegments} lost; ${errors.length} errors; event-loop lag ` +
      `p99 median ${result.eventLoopLagP99Ms.median.toFixed(1)} ms, max ` +
      `${result.eventLoopLagP99Ms.max.toFixed(1)} ms. Warm-up ${WARMUP_S} s.`,
    '',
    mdTable(
      ['metric', 'after warm-up', 'end', 'growth %'],
      growth.map((g) => [g.name, mb(g.afterWarmup, g.name), mb(g.end, g.name), g.growthPct]),
    ),
    '',
  ].join('\n');
  fs.writeFileSync(file.replace(/\.json$/, '.md'), md);
  console.log(md);
  console.log(`[soak] wrote ${path.relative(process.cwd(), file)}`);
}

runMain('soak', main);
