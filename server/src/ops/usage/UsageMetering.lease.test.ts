import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { EnhancedEventEmitter } from '@porchlight/runtime';
import { deviceRecord, streamRecord } from '../../../../tests/support/records.ts';
import type { Cluster } from '../../cluster/Cluster.ts';
import type { LeaseHandlers } from '../../cluster/Leases.ts';
import type { Room } from '../../media/Room.ts';
import type { RoomRegistryEvents } from '../../media/RoomRegistry.ts';
import { ObservedRecordingIndex } from '../../recording/index/ObservedRecordingIndex.ts';
import { UsageMeter as PlaybackUsage } from '../../recording/UsageMeter.ts';
import { openStore, type Store } from '../../store/createStore.ts';
import { SqliteExecutor } from '../../store/executor/SqliteExecutor.ts';
import type { UsageRepository } from '../../store/repositories/UsageRepository.ts';
import { UsageMetering } from './UsageMetering.ts';

const SECOND = 1000;
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const siteId = 'site-1';
const device = deviceRecord(siteId, { id: 'cam-1' });

/** Two nodes' cluster ports in one process: the test hands the lease around by hand. */
function fakeCluster(wire: EventEmitter, nodeId: string) {
  const lease: { handlers?: LeaseHandlers } = {};
  const cluster: Pick<Cluster, 'clustered' | 'leases' | 'bus'> = {
    clustered: true,
    leases: {
      hold: (_name, handlers) => {
        lease.handlers = handlers;
        return { held: false, release: async () => undefined };
      },
    } as Cluster['leases'],
    bus: {
      publish: async (channel, body) => void wire.emit(channel, body, nodeId),
      subscribe: <T>(channel: string, schema: z.ZodType<T>, fn: (b: T, from: string) => void) => {
        const listener = (body: unknown, from: string): void => {
          if (from !== nodeId) fn(schema.parse(body), from);
        };
        wire.on(channel, listener);
        return () => wire.off(channel, listener);
      },
    },
  };
  return { cluster, lease };
}

describe('usage metering: the usage-storage lease moving between two nodes', () => {
  let store: Store;
  const open: UsageMetering[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((m) => m.close()));
    await store.close();
  });

  it('a holder that loses the lease never writes its storage rows again, even a retried flush', async () => {
    let now = T0;
    store = await openStore(await SqliteExecutor.create({ file: ':memory:' }));
    await store.sites.create({ id: siteId, name: 'Home', createdAt: T0 });
    await store.devices.create(device);
    await new ObservedRecordingIndex(store.executor, () => undefined).saveStream(
      streamRecord(device.id, siteId, T0),
      null,
    );
    const wire = new EventEmitter();
    let failNext = false;
    const flaky: UsageRepository = Object.assign(Object.create(store.usage) as UsageRepository, {
      apply: async (batchId: string, rows: Parameters<UsageRepository['apply']>[1]) => {
        if (failNext) {
          failNext = false;
          throw new Error('connection lost before COMMIT');
        }
        await store.usage.apply(batchId, rows);
      },
      checkpoints: () => store.usage.checkpoints(),
    });
    const node = async (id: string, repo: UsageRepository) => {
      const { cluster, lease } = fakeCluster(wire, id);
      const metering = await UsageMetering.create({
        repo,
        rooms: Object.assign(new EnhancedEventEmitter<RoomRegistryEvents>(), {
          rooms: new Map<string, Room>(),
        }),
        sampleIntervalMs: 3_600_000,
        flushIntervalMs: 3_600_000,
        now: () => now,
        cluster,
      });
      const index = new ObservedRecordingIndex(store.executor, (d, b) =>
        metering.storageChanged(d, b),
      );
      await metering.attachRecording(index, new PlaybackUsage(index, () => now));
      open.push(metering);
      return { metering, index, lease: () => lease.handlers! };
    };
    const a = await node('a', flaky);
    const b = await node('b', store.usage);
    a.lease().acquired();
    await a.metering.meter.flush();

    // b records 1000 bytes at +0 s; a integrates them (b's change reaches it over the bus).
    await b.index.insertRun({
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
    });
    await b.index.insertSegment({
      deviceId: device.id,
      seq: 1,
      runId: 'run_1',
      producerTime: T0,
      ingestTime: T0,
      durationMs: 2000,
      bytes: 1000,
      storedBytes: 1000,
      keyframe: true,
      tags: [],
      keyId: 'dk_1',
      storageKey: `${siteId}/${device.id}/run_1/1.m4s`,
    });
    now = T0 + 30 * SECOND;
    await a.metering.meter.flush(); // [0, 30) s at 1000 bytes, checkpoint at +30 s
    now = T0 + 60 * SECOND;
    failNext = true;
    await a.metering.meter.flush(); // [30, 60) s kept for a retry...
    a.lease().lost(); // ...when a loses the lease
    b.lease().acquired(); // b resumes from the +30 s checkpoint
    await b.metering.meter.flush();
    expect([a.metering.integratesStorage, b.metering.integratesStorage]).toEqual([false, true]);
    now = T0 + 90 * SECOND;
    await a.metering.meter.flush(); // the retry: its storage rows are gone
    await b.metering.meter.flush();

    const totals = await b.metering.report.totals({ siteId, from: T0, to: T0 + 91 * SECOND });
    expect(totals.storedByteSeconds).toBe(String(1000 * 90));
  });
});
