/**
 * Cluster signaling, two parts:
 * 1. Notification throughput: `io.to(room).emit()` on one socket.io server delivered to N client
 *    sockets, (a) on one node with the in-memory adapter, (b) on one node with the Redis streams
 *    adapter, (c) emitted on node A and delivered to the sockets on node B through Redis. Same
 *    clients, same payload, same run; deliveries per second and the cross-node/local ratio.
 *    The servers are plain socket.io on loopback (what Porchlight's signaling runs on), so the
 *    numbers are the adapter's and Redis's cost, not the SFU's.
 * 2. Node failure: a real 2-node cluster (tests/support/cluster.ts) behind the test balancer with
 *    SDK clients (signaling only) on one node; kill -9 it and time (a) every client joined on the
 *    survivor, (b) the survivor's node directory showing it down, at the default heartbeat (1 s).
 * Results: bench/results/latest.{json,md} under "clusterSignaling".
 *
 *   node --import tsx bench/clusterSignaling.ts [--clients=50] [--messages=2000] [--failover-clients=20]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { api } from '../tests/support/http.ts';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { PorchlightClient } from '@porchlight/sdk';
import { startRedis } from '../tests/support/redis.ts';
import { installWrtcGlobals } from '../tests/support/wrtc.ts';
import { startClusterWorld } from '../server/test/cluster/clusterWorld.ts';
import { numberArg } from './lib/args.ts';
import { runMain } from './lib/main.ts';
import { mdTable, recordResult } from './lib/results.ts';
import { machineInfo, secondsSince, sleep } from './lib/resources.ts';
import { fmt, ratio, summarize } from './lib/stats.ts';

const CLIENTS = numberArg('clients', 50);
const MESSAGES = numberArg('messages', 2000);
const FAILOVER_CLIENTS = numberArg('failover-clients', 20);
const ROUNDS = 3;
/** A typical notification: a producerAdded-sized JSON object. */
const PAYLOAD = {
  producerId: '3f1c2a4e-0b7d-4b8e-9f10-2c3d4e5f6a7b',
  kind: 'video',
  source: 'camera',
  label: 'Front door',
  deviceId: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
  paused: false,
  allowed: ['stream:view-live', 'stream:view-recording'],
};

interface Node {
  io: Server;
  url: string;
  close(): Promise<void>;
}

async function startNode(redisUrl: string | undefined): Promise<Node> {
  const httpServer = http.createServer();
  const redis = redisUrl ? new Redis(redisUrl) : undefined;
  const io = new Server(httpServer, {
    serveClient: false,
    ...(redis ? { adapter: createAdapter(redis) } : {}),
  });
  io.on('connection', (socket) => void socket.join('site'));
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return {
    io,
    url,
    close: async () => {
      await io.close();
      redis?.disconnect();
    },
  };
}

async function clientsOn(node: Node, n: number): Promise<Socket[]> {
  const sockets = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect(node.url, { transports: ['websocket'], reconnection: false });
          s.once('connect', () => resolve(s));
          s.once('connect_error', reject);
        }),
    ),
  );
  // Joined on the server side (and known to the other nodes through the adapter).
  await sleep(500);
  return sockets;
}

/** Emits `MESSAGES` from `from` and times until every socket got all of them: deliveries/s. */
async function throughput(from: Node, sockets: Socket[]): Promise<number> {
  let received = 0;
  const total = MESSAGES * sockets.length;
  const done = new Promise<void>((resolve) => {
    for (const s of sockets)
      s.on('n', () => {
        if (++received === total) resolve();
      });
  });
  const t0 = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    from.io.to('site').emit('n', PAYLOAD);
    // Yield now and then so the emitter's own sockets and Redis writes interleave like real load.
    if (i % 100 === 99) await new Promise((r) => setImmediate(r));
  }
  const timeout = sleep(120_000).then(() => {
    throw new Error(`only ${received}/${total} deliveries within 120 s`);
  });
  await Promise.race([done, timeout]);
  const seconds = (performance.now() - t0) / 1000;
  for (const s of sockets) s.off('n');
  return total / seconds;
}

async function measureThroughput() {
  const redis = await startRedis();
  const variants: Record<string, number[]> = { local: [], redisSameNode: [], redisCrossNode: [] };
  try {
    const local = await startNode(undefined);
    const a = await startNode(redis.url);
    const b = await startNode(redis.url);
    try {
      const onLocal = await clientsOn(local, CLIENTS);
      const onB = await clientsOn(b, CLIENTS);
      for (let round = 0; round < ROUNDS; round++) {
        variants['local']!.push(await throughput(local, onLocal));
        variants['redisSameNode']!.push(await throughput(b, onB));
        variants['redisCrossNode']!.push(await throughput(a, onB));
      }
      for (const s of [...onLocal, ...onB]) s.disconnect();
    } finally {
      await Promise.all([local.close(), a.close(), b.close()]);
    }
  } finally {
    await redis.stop();
  }
  const median = (k: string) => summarize(variants[k]!).p50;
  return {
    variants,
    median: {
      local: median('local'),
      redisSameNode: median('redisSameNode'),
      redisCrossNode: median('redisCrossNode'),
    },
  };
}

async function measureFailover() {
  installWrtcGlobals();
  // The default heartbeat (1 s): how soon the others notice is what an operator gets.
  const w = await startClusterWorld(2, {}, { heartbeatMs: 1_000 });
  try {
    const [survivor, victim] = w.cluster.nodes as [
      (typeof w.cluster.nodes)[number],
      (typeof w.cluster.nodes)[number],
    ];
    const admin = await w.mintPerson({ admin: true });
    w.balancer.setBackends([{ host: victim.host, port: victim.port }]);
    const clients: PorchlightClient[] = [];
    for (let i = 0; i < FAILOVER_CLIENTS; i++) {
      const c = w.client(await w.mintPerson({}));
      clients.push(c);
    }
    await Promise.all(clients.map((c) => c.connect()));
    w.balancer.setBackends(w.cluster.nodes.map((n) => ({ host: n.host, port: n.port })));
    const t0 = performance.now();
    const joinedAt: number[] = [];
    for (const c of clients) c.once('joined', () => joinedAt.push(performance.now() - t0));
    await victim.kill9();
    // The survivor's own view (GET /api/v1/cluster/nodes), as its nodeDown handlers see it.
    let directoryMs = NaN;
    while (performance.now() - t0 < 60_000) {
      if (Number.isNaN(directoryMs)) {
        const res = await api(survivor.url, 'GET', '/api/v1/cluster/nodes', { token: admin });
        const ids = (res.body as unknown as { id: string }[]).map((n) => n.id);
        if (res.status === 200 && !ids.includes(victim.id)) directoryMs = performance.now() - t0;
      }
      if (!Number.isNaN(directoryMs) && joinedAt.length === clients.length) break;
      await sleep(20);
    }
    if (joinedAt.length < clients.length)
      throw new Error(`${joinedAt.length}/${clients.length} clients rejoined within 60 s`);
    return { clients: clients.length, rejoin: summarize(joinedAt), directoryMs };
  } finally {
    await w.close();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const machine = machineInfo();
  console.log(
    `[clusterSignaling] throughput: ${CLIENTS} sockets, ${MESSAGES} messages, ${ROUNDS} rounds`,
  );
  const t = await measureThroughput();
  const crossVsLocal = ratio(t.median.redisCrossNode, t.median.local);
  console.log(
    `  local ${fmt(t.median.local, 0)}/s, Redis same node ${fmt(t.median.redisSameNode, 0)}/s, ` +
      `Redis cross-node ${fmt(t.median.redisCrossNode, 0)}/s (cross/local ×${fmt(crossVsLocal, 2)})`,
  );
  console.log(
    `[clusterSignaling] failover: ${FAILOVER_CLIENTS} SDK clients, kill -9 of their node`,
  );
  const f = await measureFailover();
  console.log(
    `  all rejoined on the survivor after ${fmt(f.rejoin.max, 0)} ms (p50 ${fmt(f.rejoin.p50, 0)} ms); ` +
      `survivor's directory shows the node down after ${fmt(f.directoryMs, 0)} ms`,
  );
  const durationSeconds = secondsSince(started);
  const markdown = [
    `${CLIENTS} sockets in one room, ${MESSAGES} notifications per round, median of ${ROUNDS} rounds (deliveries/s):`,
    '',
    mdTable(
      ['path', 'deliveries/s', 'vs local'],
      [
        ['one node, in-memory adapter', fmt(t.median.local, 0), '×1.00'],
        [
          'one node, Redis streams adapter',
          fmt(t.median.redisSameNode, 0),
          `×${fmt(ratio(t.median.redisSameNode, t.median.local), 2)}`,
        ],
        [
          'node A → sockets on node B via Redis',
          fmt(t.median.redisCrossNode, 0),
          `×${fmt(crossVsLocal, 2)}`,
        ],
      ],
    ),
    '',
    `kill -9 of a node with ${f.clients} SDK clients (2 node processes, test balancer, heartbeat 1 s): ` +
      `all rejoined on the survivor after ${fmt(f.rejoin.max, 0)} ms (p50 ${fmt(f.rejoin.p50, 0)} ms); ` +
      `the survivor's node directory shows it down after ${fmt(f.directoryMs, 0)} ms.`,
  ].join('\n');
  recordResult('clusterSignaling', { throughput: t, failover: f }, markdown, {
    durationSeconds,
    machine,
  });
  console.log(`[clusterSignaling] done in ${durationSeconds.toFixed(0)} s`);
}

runMain('clusterSignaling', main);
