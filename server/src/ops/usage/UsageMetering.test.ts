import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EnhancedEventEmitter } from '@porchlight/runtime';
import { deviceRecord, streamRecord } from '../../../../tests/support/records.ts';
import type { Room } from '../../media/Room.ts';
import type { RoomRegistryEvents } from '../../media/RoomRegistry.ts';
import { ObservedRecordingIndex } from '../../recording/index/ObservedRecordingIndex.ts';
import { UsageMeter as PlaybackUsage } from '../../recording/UsageMeter.ts';
import type { RecordingRun, SegmentRecord } from '../../recording/types.ts';
import { openStore, type Store } from '../../store/createStore.ts';
import { PostgresExecutor } from '../../store/executor/PostgresExecutor.ts';
import { SqliteExecutor } from '../../store/executor/SqliteExecutor.ts';
import { startPostgres, type TestPostgres } from '../../../../tests/support/postgres.ts';
import type { UsageRepository } from '../../store/repositories/UsageRepository.ts';
import { UsageMetering } from './UsageMetering.ts';

const SECOND = 1000;
const HOUR = 3_600_000;
/** Ten seconds before a full hour: the timeline crosses into the next hour. */
const T0 = Date.UTC(2026, 0, 1, 10, 59, 50);

// A real PostgreSQL, started once; if it cannot start its tests fail with the reason.
let postgres: TestPostgres | undefined;
let postgresError: unknown;
beforeAll(async () => {
  try {
    postgres = await startPostgres();
  } catch (error) {
    postgresError = error;
  }
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
}, 60_000);
let schemas = 0;

const BACKENDS: [string, () => Promise<Store>][] = [
  ['SQLite', async () => openStore(await SqliteExecutor.create({ file: ':memory:' }))],
  [
    'PostgreSQL',
    async () => {
      if (!postgres) throw postgresError ?? new Error('PostgreSQL did not start');
      const schema = `usage_${process.pid}_${++schemas}`;
      return openStore(await PostgresExecutor.create({ connectionString: postgres.url, schema }));
    },
  ],
];

describe.each(BACKENDS)(
  'usage metering over a real %s store (injected clock)',
  (_name, makeStore) => {
    let store: Store;
    let now: number;
    const siteId = 'site-1';
    const device = deviceRecord(siteId, { id: 'cam-1' });
    let index: ObservedRecordingIndex;
    let metering: UsageMetering | undefined;
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

    const rooms = () =>
      Object.assign(new EnhancedEventEmitter<RoomRegistryEvents>(), {
        rooms: new Map<string, Room>(),
      });

    /** A server start: metering built, then told about recording (as Server.ts does). */
    async function start(repo: UsageRepository = store.usage): Promise<UsageMetering> {
      const m = await UsageMetering.create({
        repo,
        rooms: rooms(),
        sampleIntervalMs: 3_600_000,
        flushIntervalMs: 3_600_000,
        now: () => now,
      });
      index = new ObservedRecordingIndex(store.executor, (id, bytes) =>
        m.storageChanged(id, bytes),
      );
      await m.attachRecording(index, new PlaybackUsage(index, () => now));
      metering = m;
      return m;
    }

    /** Advances the clock to `T0 + seconds` and makes a change there. */
    async function at(seconds: number, change?: () => Promise<unknown>): Promise<void> {
      now = T0 + seconds * SECOND;
      await change?.();
    }

    beforeEach(async () => {
      now = T0;
      store = await makeStore();
      await store.sites.create({ id: siteId, name: 'Home', createdAt: T0 });
      await store.devices.create(device);
      const setup = new ObservedRecordingIndex(store.executor, () => undefined);
      await setup.saveStream(streamRecord(device.id, siteId, T0), null);
      await setup.insertRun(run);
    });

    afterEach(async () => {
      await metering?.close();
      metering = undefined;
      await store.close();
    });

    it('integrates stored bytes exactly over a scripted timeline, across an hour and a restart', async () => {
      let m = await start();
      await at(0, () => index.insertSegment(segment(1, 1000)));
      await at(10, () => index.insertSegment(segment(2, 500)));
      await at(40, () => index.deleteSegments(device.id, [1]));
      await at(60, () => m.meter.flush());
      // The server stops at +70 s and starts again at +100 s: the 500 bytes stayed stored.
      await at(70, () => m.close());
      await at(100);
      m = await start();
      await at(130, () => index.insertSegment(segment(3, 2000)));
      await at(150.5, () => m.close());

      const expected =
        1000 * 10 + // [0, 10) s: 1000 bytes
        1500 * 30 + // [10, 40)
        500 * 90 + // [40, 130), the 30 s the server was down included
        2500 * 20.5; // [130, 150.5)
      const totals = await m.report.totals({ siteId, from: T0, to: T0 + 151 * SECOND });
      expect(totals.storedByteSeconds).toBe(String(expected));
      const hours = await m.report.series({
        siteId,
        from: T0 - 10 * SECOND,
        to: T0 + HOUR,
        granularity: 'hour',
      });
      expect(hours.map((h) => h.totals.storedByteSeconds)).toEqual([
        String(1000 * 10),
        String(expected - 1000 * 10),
      ]);
    });

    it('a retried flush whose first attempt committed counts once; a crash loses only the unflushed', async () => {
      let failOnce = true;
      const flaky: UsageRepository = Object.assign(Object.create(store.usage) as UsageRepository, {
        apply: async (batchId: string, rows: Parameters<UsageRepository['apply']>[1]) => {
          await store.usage.apply(batchId, rows);
          if (failOnce) {
            failOnce = false;
            throw new Error('connection lost after COMMIT');
          }
        },
        checkpoints: () => store.usage.checkpoints(),
      });
      const m = await start(flaky);
      m.meter.add(siteId, device.id, 'ingestBytes', 1000);
      await m.meter.flush(); // committed, but reported as failed: kept and retried
      m.meter.add(siteId, device.id, 'ingestBytes', 10);
      await m.meter.flush(); // the retry (skipped: already applied), then the 10
      m.meter.add(siteId, device.id, 'ingestBytes', 7); // never flushed: the process is killed
      metering = undefined; // kill -9: no close, no last flush

      const after = await start();
      const totals = await after.report.totals({ siteId, from: T0 - HOUR, to: T0 + HOUR });
      expect(totals.ingestBytes).toBe('1010');
    });

    it('counts a device channel once per hour however often it is marked, and months as distinct devices', async () => {
      const m = await start();
      const close = m.signaling.channelOpened(siteId, device.id);
      m.signaling.message(siteId, device.id);
      await m.meter.flush();
      await at(5);
      await m.meter.flush(); // still open: marked again in the same hour
      await at(20); // next hour
      m.signaling.message(siteId, '');
      close();
      await m.meter.flush();
      const q = { siteId, from: T0, to: T0 + 20 * SECOND };
      const hours = await m.report.series({ ...q, granularity: 'hour' });
      expect(hours.map((h) => h.totals.activeChannels)).toEqual(['1', '1']);
      const month = await m.report.series({ ...q, granularity: 'month' });
      expect(month.map((p) => [p.totals.activeChannels, p.totals.signalingMessages])).toEqual([
        ['1', '2'],
      ]);
      expect((await m.report.totals(q)).activeChannels).toBe('1');
    });
  },
);
