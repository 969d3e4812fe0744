/**
 * Usage metering across nodes: two nodes, each with its own metering, recording index and store
 * connection, on one real PostgreSQL and one real Redis, with one injected clock. Stored bytes
 * are integrated by the `usage-storage` lease holder alone, fed by the other node's changes; the
 * bill equals a single box's, and survives the holder going away mid-way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnhancedEventEmitter } from '@porchlight/runtime';
import { createCluster, type Cluster } from '../../src/cluster/Cluster.ts';
import type { Room } from '../../src/media/Room.ts';
import type { RoomRegistryEvents } from '../../src/media/RoomRegistry.ts';
import { UsageMetering } from '../../src/ops/usage/UsageMetering.ts';
import { ObservedRecordingIndex } from '../../src/recording/index/ObservedRecordingIndex.ts';
import { UsageMeter as PlaybackUsage } from '../../src/recording/UsageMeter.ts';
import type { RecordingRun, SegmentRecord } from '../../src/recording/types.ts';
import { openStore, type Store } from '../../src/store/createStore.ts';
import { PostgresExecutor } from '../../src/store/executor/PostgresExecutor.ts';
import { deviceRecord, streamRecord } from '../../../tests/support/records.ts';
import { startPostgres, type TestPostgres } from '../../../tests/support/postgres.ts';
import { startRedis, type TestRedis } from '../../../tests/support/redis.ts';
import { until } from '../../../tests/support/until.ts';

const SECOND = 1000;
/** Ten seconds before a full hour: the timeline crosses into the next hour. */
const T0 = Date.UTC(2026, 0, 1, 10, 59, 50);
const siteId = 'site-1';
const device = deviceRecord(siteId, { id: 'cam-1' });
const run: RecordingRun = {
  id: 'run_1',
  deviceId: device.id,
  siteId,
  startedAt: T0,
  codecs: 'avc1.42e01f',
  width: 320,
  height: 240,
  keyId: 'dk_1',
  storageKey: `${siteId}/${device.id}/run_1/init.mp4`,
  bytes: 0,
  storedBytes: 0,
};
const segment = (seq: number, storedBytes: number): SegmentRecord => ({
  deviceId: device.id,
  seq,
  runId: run.id,
  producerTime: T0 + seq * 2000,
  ingestTime: T0 + seq * 2000,
  durationMs: 2000,
  bytes: storedBytes,
  storedBytes,
  keyframe: true,
  tags: [],
  keyId: 'dk_1',
  storageKey: `${siteId}/${device.id}/run_1/${seq}.m4s`,
});

interface Node {
  id: string;
  cluster: Cluster;
  store: Store;
  index: ObservedRecordingIndex;
  metering: UsageMetering;
}

let postgres: TestPostgres;
let redis: TestRedis;
const schema = `usage_cluster_${process.pid}`;
let now = T0;
const nodes: Node[] = [];

/** One node: its own cluster member, database pool, index and metering (as Server.ts wires them). */
async function startNode(id: string): Promise<Node> {
  const cluster = await createCluster({
    redisUrl: redis.url,
    nodeId: id,
    keyPrefix: 'usage:',
    leaseMs: 1_000,
    heartbeatMs: 100,
    mediaAddress: '127.0.0.1',
  });
  const store = await openStore(
    await PostgresExecutor.create({ connectionString: postgres.url, schema }),
  );
  const rooms = Object.assign(new EnhancedEventEmitter<RoomRegistryEvents>(), {
    rooms: new Map<string, Room>(),
  });
  const metering = await UsageMetering.create({
    repo: store.usage,
    rooms,
    // Flushes are driven by the test.
    sampleIntervalMs: 3_600_000,
    flushIntervalMs: 3_600_000,
    now: () => now,
    cluster,
  });
  const index = new ObservedRecordingIndex(store.executor, (d, bytes) =>
    metering.storageChanged(d, bytes),
  );
  await metering.attachRecording(index, new PlaybackUsage(index, () => now));
  const node = { id, cluster, store, index, metering };
  nodes.push(node);
  return node;
}

async function stopNode(node: Node): Promise<void> {
  await node.metering.close();
  await node.cluster.close();
  await node.store.close();
}

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const setup = await openStore(
    await PostgresExecutor.create({ connectionString: postgres.url, schema }),
  );
  await setup.sites.create({ id: siteId, name: 'Home', createdAt: T0 });
  await setup.devices.create(device);
  const index = new ObservedRecordingIndex(setup.executor, () => undefined);
  await index.saveStream(streamRecord(device.id, siteId, T0), null);
  await index.insertRun(run);
  await setup.close();
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(nodes.map((n) => stopNode(n)));
  await Promise.allSettled([redis?.stop(), postgres?.stop()]);
}, 60_000);

/** The checkpointed size of the stream, once a flush of `node` has written `bytes`. */
async function checkpointed(node: Node, bytes: number): Promise<void> {
  await until(
    async () => {
      await node.metering.meter.flush();
      const rows = await node.store.usage.checkpoints();
      const size = rows.find((r) => r.deviceId === device.id && r.dimension === '@storedBytes');
      return size?.quantity === String(bytes) ? true : undefined;
    },
    `the holder to integrate ${bytes} stored bytes`,
    20_000,
  );
}

describe('usage metering in a cluster', () => {
  it('integrates stored bytes once across two nodes, through a hand-over, as one node would', async () => {
    const a = await startNode('usage-a');
    const b = await startNode('usage-b');
    const holder = await until(
      () => [a, b].find((n) => n.metering.integratesStorage),
      'a node to hold usage-storage',
      20_000,
    );
    const other = holder === a ? b : a;
    expect(other.metering.integratesStorage).toBe(false);

    // The other node records and deletes: its changes reach the holder over the bus.
    await other.index.insertSegment(segment(1, 1000));
    await checkpointed(holder, 1000);
    now = T0 + 10 * SECOND;
    await holder.index.insertSegment(segment(2, 500));
    await checkpointed(holder, 1500);
    now = T0 + 40 * SECOND;
    await other.index.deleteSegments(device.id, [1]);
    await checkpointed(holder, 500);
    now = T0 + 60 * SECOND;
    await Promise.all([a.metering.meter.flush(), b.metering.meter.flush()]);

    // The holder goes away at +70 s; the other takes the lease over at +100 s or so.
    now = T0 + 70 * SECOND;
    await stopNode(holder);
    nodes.splice(nodes.indexOf(holder), 1);
    now = T0 + 100 * SECOND;
    await until(() => other.metering.integratesStorage || undefined, 'the take-over', 20_000);
    await other.metering.meter.flush(); // waits for the take-over's restore and reads
    now = T0 + 130 * SECOND;
    await other.index.insertSegment(segment(3, 2000));
    await checkpointed(other, 2500);
    now = T0 + 150.5 * SECOND;
    await other.metering.meter.flush();

    const expected =
      1000 * 10 + // [0, 10) s: 1000 bytes
      1500 * 30 + // [10, 40)
      500 * 90 + // [40, 130), the hand-over included
      2500 * 20.5; // [130, 150.5)
    const q = { siteId, from: T0, to: T0 + 151 * SECOND };
    expect((await other.metering.report.totals(q)).storedByteSeconds).toBe(String(expected));
    const hours = await other.metering.report.series({ ...q, granularity: 'hour' });
    expect(hours.map((h) => h.totals.storedByteSeconds)).toEqual([
      String(1000 * 10),
      String(expected - 1000 * 10),
    ]);
  }, 90_000);
});
