/**
 * Cluster sizing and node failure with many sites: 3 node processes (tests/support/cluster.ts,
 * real Redis, PostgreSQL, s3rver; heartbeat 1 s, the default) behind the test balancer.
 *
 * 1. Engine load per camera: Redis commands/s (INFO total_commands_processed, and the busiest
 *    commands from INFO commandstats) and PostgreSQL transactions/s (pg_stat_database xact_commit
 *    + xact_rollback of the cluster's database) over a fixed window with no camera connected
 *    (the nodes' own heartbeats, leases, sweeps), then with SITES idle cameras connected on node B;
 *    (loaded - baseline) / SITES * 1000 = "per 1,000 cameras". Also the CPU (/proc/<pid>/stat) of
 *    each node process and its mediasoup worker over both windows.
 *    The cameras are lightweight clients: a socket.io client each that joins its own site, opens
 *    a send transport and produces a VP8 producer (a real mediasoup producer on node B), but sends
 *    no RTP: so the figures are signaling, presence and directory load, not media or recording.
 * 2. Re-placing SITES sites after kill -9: SITES sites, one camera each on node B (above), and for
 *    every site a viewer (an owner's socket.io client) on node A and one on node C. kill -9 of B;
 *    each camera reconnects through the balancer the moment its socket drops (retry every 100 ms,
 *    not the SDK's backoff), joins, opens a transport and produces again on a survivor. Times from
 *    the kill: (a) published again (produce acknowledged), (b) its new producer announced
 *    (producerAdded) to the site's viewers on both A and C, so always to one on another node than
 *    the camera's. p50 / p95 / max over the sites.
 * Results: bench/results/latest.{json,md} under "clusterSites".
 *
 *   node --import tsx bench/clusterSites.ts [--sites=100] [--window-ms=20000]
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { ProducerInfo } from '@porchlight/protocol';
import { startClusterWorld, type ClusterWorld } from '../server/test/cluster/clusterWorld.ts';
import type { NodeProcess } from '../tests/support/cluster.ts';
import { connectRaw, fakeVp8RtpParameters, type RawClient } from '../tests/support/rawClient.ts';
import { accountRecord, grantRecord } from '../tests/support/records.ts';
import { numberArg } from './lib/args.ts';
import { runMain } from './lib/main.ts';
import { machineInfo, processCpuMs, secondsSince, sleep } from './lib/resources.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { fmt, summarize, type Summary } from './lib/stats.ts';

const SITES = numberArg('sites', 100);
const WINDOW_MS = numberArg('window-ms', 20_000);
/**
 * Quiet time before a window: an idle PostgreSQL backend reports its transaction counts up to
 * 10 s late (PGSTAT_IDLE_INTERVAL), so a setup burst would otherwise land in the next window.
 */
const SETTLE_MS = 11_000;
const FAILOVER_TIMEOUT_MS = 90_000;

interface Site {
  siteId: string;
  cameraToken: string;
  camera?: RawClient;
  producerId?: string;
  viewers: { node: string; client: RawClient; added: Map<string, number> }[];
  connectedMs?: number;
  joinedMs?: number;
  publishedMs?: number;
  seenMs?: number;
}

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Creates a site with one provisioned camera; returns the camera's device token. */
async function createSite(w: ClusterWorld, i: number): Promise<Site> {
  const siteId = randomUUID();
  await w.store.sites.create({ id: siteId, name: `Site ${i}`, createdAt: Date.now() });
  const code = await w.identity.provisioning.createCode({
    siteId,
    kind: 'camera',
    name: `Camera ${i}`,
    createdBy: 'bench',
  });
  const { device } = await w.identity.provisioning.redeem(code.code, {
    userAgent: 'bench',
    firmware: null,
    address: '127.0.0.1',
  });
  const cameraToken = (await w.identity.accessTokens.issueDevice(device)).token;
  return { siteId, cameraToken, viewers: [] };
}

/** join + send transport + produce: a real producer on whichever node `url` lands on. */
async function publish(
  url: string,
  token: string,
  phase: (name: 'connected' | 'joined') => void = () => undefined,
): Promise<{ client: RawClient; id: string }> {
  const client = await connectRaw(url, token);
  phase('connected');
  try {
    const j = await client.request('join', {});
    if (!j.ok) throw new Error(`join: ${j.error.message}`);
    phase('joined');
    const t = await client.request<{ id: string }>('createTransport', { direction: 'send' });
    if (!t.ok) throw new Error(`createTransport: ${t.error.message}`);
    const p = await client.request<{ producerId: string }>('produce', {
      transportId: t.data.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: fakeVp8RtpParameters(1000 + Math.floor(Math.random() * 1e8)),
    });
    if (!p.ok) throw new Error(`produce: ${p.error.message}`);
    return { client, id: p.data.producerId };
  } catch (error) {
    client.close();
    throw error;
  }
}

/** The node process and its children (the mediasoup worker): CPU ms so far. */
function treeCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  let total = processCpuMs(pid);
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const kids = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      for (const kid of kids ? kids.split(' ') : []) total += processCpuMs(Number(kid));
    }
  } catch {
    // Gone: NaN from processCpuMs above tells.
  }
  return total;
}

interface Sample {
  at: number;
  redisCommands: number;
  commandstats: Map<string, number>;
  pgXacts: number;
  /** Rows written (inserted + updated + deleted) so far, per table. */
  pgRowsWritten: Map<string, number>;
  cpuMs: number[];
}

async function sample(redis: Redis, db: pg.Client, nodes: NodeProcess[]): Promise<Sample> {
  const info = await redis.info('all');
  const commandstats = new Map<string, number>();
  let redisCommands = 0;
  for (const line of info.split('\r\n')) {
    const total = /^total_commands_processed:(\d+)/.exec(line);
    if (total) redisCommands = Number(total[1]);
    const cmd = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (cmd) commandstats.set(cmd[1]!, Number(cmd[2]));
  }
  const r = await db.query<{ n: string }>(
    'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()',
  );
  const t = await db.query<{ relname: string; n: string }>(
    'SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS n FROM pg_stat_user_tables',
  );
  return {
    at: performance.now(),
    redisCommands,
    commandstats,
    pgXacts: Number(r.rows[0]!.n),
    pgRowsWritten: new Map(t.rows.map((row) => [row.relname, Number(row.n)])),
    cpuMs: nodes.map((n) => treeCpuMs(n.pid)),
  };
}

interface Window {
  seconds: number;
  redisPerS: number;
  pgPerS: number;
  cpuMsPerS: number[];
  topRedis: [string, number][];
  /** Tables with the most rows written per second. */
  topPgTables: [string, number][];
}

/** The largest per-second increases of `b` over `a`. */
function topRates(
  a: Map<string, number>,
  b: Map<string, number>,
  seconds: number,
  own: string,
): [string, number][] {
  return [...b]
    .map(([k, v]): [string, number] => [k, (v - (a.get(k) ?? 0) - (k === own ? 1 : 0)) / seconds])
    .filter((x) => x[1] > 0)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 6);
}

/** Rates over WINDOW_MS; this bench's own INFO and SELECTs (per sample) are subtracted. */
async function measureWindow(redis: Redis, db: pg.Client, nodes: NodeProcess[]): Promise<Window> {
  const a = await sample(redis, db, nodes);
  await sleep(WINDOW_MS);
  const b = await sample(redis, db, nodes);
  const seconds = (b.at - a.at) / 1000;
  return {
    seconds,
    redisPerS: (b.redisCommands - a.redisCommands - 1) / seconds,
    pgPerS: (b.pgXacts - a.pgXacts - 2) / seconds,
    cpuMsPerS: b.cpuMs.map((x, i) => (x - a.cpuMs[i]!) / seconds),
    topRedis: topRates(a.commandstats, b.commandstats, seconds, 'info'),
    topPgTables: topRates(a.pgRowsWritten, b.pgRowsWritten, seconds, ''),
  };
}

function summaryRow(label: string, s: Summary): string[] {
  return [label, fmt(s.p50, 0), fmt(s.p95, 0), fmt(s.max, 0)];
}

async function main(): Promise<void> {
  const started = performance.now();
  const machine = machineInfo();
  const w = await startClusterWorld(3, {}, { heartbeatMs: 1_000 });
  const redis = new Redis(w.cluster.redis.url);
  const db = new pg.Client({ connectionString: w.cluster.postgres.url });
  await db.connect();
  const sites: Site[] = [];
  try {
    const [a, b, c] = w.cluster.nodes as [NodeProcess, NodeProcess, NodeProcess];
    console.log(`[clusterSites] ${SITES} sites, window ${WINDOW_MS} ms`);
    for (let i = 0; i < SITES; i++) sites.push(await createSite(w, i));
    const ownerId = randomUUID();
    await w.store.accounts.create(accountRecord({ id: ownerId, displayName: 'Installer' }));
    for (const s of sites) await w.store.grants.create(grantRecord(ownerId, s.siteId, 'owner'));
    const ownerToken = (await w.identity.accessTokens.issueAccount(ownerId)).token;
    await sleep(SETTLE_MS); // the setup's writes reported before the baseline

    const baseline = await measureWindow(redis, db, w.cluster.nodes);
    console.log(
      `  baseline: Redis ${fmt(baseline.redisPerS, 0)} cmd/s, PostgreSQL ${fmt(baseline.pgPerS, 1)} xact/s`,
    );
    for (const s of sites) {
      const p = await publish(b.url, s.cameraToken);
      s.camera = p.client;
      s.producerId = p.id;
    }
    await sleep(SETTLE_MS); // connect-time writes reported before the window
    const loaded = await measureWindow(redis, db, w.cluster.nodes);
    console.log(
      `  ${SITES} idle cameras: Redis ${fmt(loaded.redisPerS, 0)} cmd/s, PostgreSQL ${fmt(loaded.pgPerS, 1)} xact/s`,
    );
    const per1000 = {
      redisCommandsPerS: ((loaded.redisPerS - baseline.redisPerS) / SITES) * 1000,
      pgXactsPerS: ((loaded.pgPerS - baseline.pgPerS) / SITES) * 1000,
      nodeCpuMsPerS: ((loaded.cpuMsPerS[1]! - baseline.cpuMsPerS[1]!) / SITES) * 1000, // node B holds them
    };

    // Viewers on A and C for every site; each must first see its camera on B (cross-node).
    for (const s of sites) {
      for (const node of [a, c]) {
        const client = await connectRaw(node.url, ownerToken);
        const added = new Map<string, number>();
        client.socket.on('producerAdded', (p: ProducerInfo) => {
          if (!added.has(p.producerId)) added.set(p.producerId, performance.now());
        });
        const j = await client.request<{ producers: ProducerInfo[] }>('join', {
          siteId: s.siteId,
        });
        if (!j.ok) throw new Error(`viewer join: ${j.error.message}`);
        for (const p of j.data.producers) added.set(p.producerId, 0);
        s.viewers.push({ node: node.id, client, added });
      }
    }
    await until(
      'every viewer to see its camera on B',
      () => sites.every((s) => s.viewers.every((v) => v.added.has(s.producerId!))),
      30_000,
    );

    // kill -9 of B: every camera reconnects through the balancer as soon as its socket drops.
    let t0 = 0;
    /** Why reconnect attempts failed (message → count): what a camera waits for. */
    const refusals = new Map<string, number>();
    const republish = async (s: Site): Promise<void> => {
      while (performance.now() - t0 < FAILOVER_TIMEOUT_MS) {
        try {
          const p = await publish(w.balancer.url, s.cameraToken, (phase) => {
            s[`${phase}Ms`] = performance.now() - t0;
          });
          s.camera = p.client;
          s.producerId = p.id;
          s.publishedMs = performance.now() - t0;
          return;
        } catch (error) {
          const why = (error as Error).message.slice(0, 80);
          refusals.set(why, (refusals.get(why) ?? 0) + 1);
          await sleep(100);
        }
      }
    };
    const done: Promise<void>[] = [];
    for (const s of sites) s.camera!.socket.once('disconnect', () => void done.push(republish(s)));
    t0 = performance.now();
    await b.kill9();
    await until('every camera to drop', () => done.length === sites.length, 30_000);
    await Promise.all(done);
    const failed = sites.filter((s) => s.publishedMs === undefined).length;
    if (failed > 0) throw new Error(`${failed}/${SITES} cameras did not publish again`);
    await until(
      'every new producer announced on A and C',
      () => sites.every((s) => s.viewers.every((v) => v.added.has(s.producerId!))),
      FAILOVER_TIMEOUT_MS,
    );
    for (const s of sites)
      s.seenMs = Math.max(...s.viewers.map((v) => v.added.get(s.producerId!)!)) - t0;
    const connected = summarize(sites.map((s) => s.connectedMs!));
    const joined = summarize(sites.map((s) => s.joinedMs!));
    const published = summarize(sites.map((s) => s.publishedMs!));
    const seen = summarize(sites.map((s) => s.seenMs!));
    const landed = [a, c].map(
      (n) => `${n.id} ${w.balancer.active({ host: n.host, port: n.port })}`,
    );
    console.log(
      `  kill -9: published again p50 ${fmt(published.p50, 0)} / max ${fmt(published.max, 0)} ms; ` +
        `seen on A and C p50 ${fmt(seen.p50, 0)} / max ${fmt(seen.max, 0)} ms`,
    );

    const durationSeconds = secondsSince(started);
    const nodeIds = w.cluster.nodes.map((n) => n.id);
    const markdown = [
      `3 node processes (127.0.0.2-4, heartbeat 1 s), ${SITES} sites, one lightweight camera each on node B ` +
        `(socket.io + join + a real mediasoup producer, no RTP sent), ${fmt(WINDOW_MS / 1000, 0)} s windows; ` +
        `load average ${machine.loadAvg1.toFixed(1)} at the start, ${machineInfo().loadAvg1.toFixed(1)} at the end (${machine.nproc} cores).`,
      '',
      mdTable(
        [
          'window',
          'Redis commands/s',
          'PostgreSQL xact/s',
          ...nodeIds.map((id) => `${id} CPU ms/s`),
        ],
        [
          [
            'no camera (baseline)',
            fmt(baseline.redisPerS, 0),
            fmt(baseline.pgPerS, 1),
            ...baseline.cpuMsPerS.map((x) => fmt(x, 0)),
          ],
          [
            `${SITES} idle cameras on ${b.id}`,
            fmt(loaded.redisPerS, 0),
            fmt(loaded.pgPerS, 1),
            ...loaded.cpuMsPerS.map((x) => fmt(x, 0)),
          ],
          [
            'per 1,000 cameras (above baseline)',
            fmt(per1000.redisCommandsPerS, 0),
            fmt(per1000.pgXactsPerS, 1),
            `${b.id}: ${fmt(per1000.nodeCpuMsPerS, 0)}`,
          ],
        ],
      ),
      '',
      `Busiest Redis commands with the cameras (calls/s): ${loaded.topRedis
        .map(([k, v]) => `${k} ${fmt(v, 1)}`)
        .join(', ')}. PostgreSQL rows written/s by table: ${
        loaded.topPgTables.map(([k, v]) => `${k} ${fmt(v, 1)}`).join(', ') || 'none'
      }.`,
      '',
      `kill -9 of ${b.id}: ${SITES} cameras re-published through the balancer (retry every 100 ms), ` +
        `viewers of every site on ${a.id} and ${c.id}; ms from the kill (sockets still open at the end: ${landed.join(', ')}):`,
      '',
      mdTable(
        ['after kill -9', 'p50 ms', 'p95 ms', 'max ms'],
        [
          summaryRow('camera socket connected to a survivor', connected),
          summaryRow('camera joined its site there', joined),
          summaryRow('camera published again (produce acknowledged)', published),
          summaryRow('its producer announced to the viewers on both survivors', seen),
        ],
      ),
      '',
      `Failed attempts before that (retried after 100 ms): ${
        [...refusals].map(([k, v]) => `${v}× "${k}"`).join(', ') || 'none'
      }.`,
    ].join('\n');
    recordResult(
      'clusterSites',
      {
        sites: SITES,
        windowMs: WINDOW_MS,
        baseline,
        loaded,
        per1000,
        connected,
        joined,
        published,
        seen,
        refusals: Object.fromEntries(refusals),
      },
      markdown,
      { durationSeconds, machine },
    );
    console.log(`\n${markdown}\n[clusterSites] done in ${durationSeconds.toFixed(0)} s`);
  } finally {
    for (const s of sites) {
      s.camera?.close();
      for (const v of s.viewers) v.client.close();
    }
    redis.disconnect();
    await db.end();
    await w.close();
  }
}

runMain('clusterSites', main);
