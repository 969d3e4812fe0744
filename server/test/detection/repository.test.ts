/**
 * DetectionRepository on both dialects: the zone filter (instr / strpos on the newline-joined
 * list), keyset pages, fractional scores, JSON columns and the settings upsert read back the same.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION_SETTINGS } from '@porchlight/protocol';
import { startPostgres, type TestPostgres } from '../../../tests/support/postgres.ts';
import { deviceRecord } from '../../../tests/support/records.ts';
import { DetectionRepository, type EventRow } from '../../src/detection/DetectionRepository.ts';
import { createStore, openStore, type Store } from '../../src/store/createStore.ts';
import { PostgresExecutor } from '../../src/store/executor/PostgresExecutor.ts';

let pgServer: TestPostgres | undefined;
let startError: unknown;
beforeAll(async () => {
  try {
    pgServer = await startPostgres();
  } catch (error) {
    startError = error;
  }
}, 60_000);
afterAll(async () => {
  await pgServer?.stop();
}, 60_000);

const stores: Record<string, () => Promise<Store>> = {
  SQLite: () => createStore({ url: 'sqlite::memory:' }),
  PostgreSQL: async () => {
    if (!pgServer) throw startError ?? new Error('PostgreSQL test server is not running');
    return openStore(
      await PostgresExecutor.create({
        connectionString: pgServer.url,
        schema: `det${process.pid}_${randomUUID().slice(0, 8)}`,
      }),
    );
  },
};

const row = (deviceId: string, siteId: string, o: Partial<EventRow>): EventRow => ({
  id: randomUUID(),
  siteId,
  deviceId,
  label: 'person',
  startedAt: 1_000,
  endedAt: null,
  maxScore: 0.625,
  zones: [],
  track: [{ t: 1_000, box: [0.1, 0.2, 0.3, 0.4], score: 0.625 }],
  detector: { backend: 'wasm', model: 'centernet', msPerFrame: 41.5 },
  snapshotRef: null,
  updatedAt: 1_000,
  ...o,
});

for (const [dialect, open] of Object.entries(stores)) {
  describe(`DetectionRepository on ${dialect}`, () => {
    let store: Store;
    let repo: DetectionRepository;
    const siteId = randomUUID();
    const cam = deviceRecord(siteId, { id: randomUUID(), name: 'Porch' });
    beforeAll(async () => {
      store = await open();
      await store.sites.create({ id: siteId, name: 'Home', createdAt: 0 });
      await store.devices.create(cam);
      repo = new DetectionRepository(store.executor);
    });
    afterAll(async () => {
      await store?.close();
    });

    it('stores, filters by zone and time, pages newest first', async () => {
      const a = row(cam.id, siteId, { startedAt: 1_000, zones: ['Drive way', 'Lawn'] });
      const b = row(cam.id, siteId, { startedAt: 2_000, zones: ['Lawn'] });
      // "Drive" is a prefix of "Drive way": the filter matches whole names only.
      const c = row(cam.id, siteId, { startedAt: 2_000, zones: ['Drive'] });
      for (const r of [a, b, c]) await repo.createEvent(r);
      expect(await repo.getEvent(a.id)).toStrictEqual(a);
      const ids = (rs: EventRow[]) => rs.map((r) => r.id);
      const q = { deviceIds: [cam.id], limit: 10 };
      expect(ids(await repo.listEvents({ ...q, zone: 'Lawn' }))).toStrictEqual([b.id, a.id]);
      expect(ids(await repo.listEvents({ ...q, zone: 'Drive' }))).toStrictEqual([c.id]);
      expect(ids(await repo.listEvents({ ...q, from: 1_500, to: 2_001 }))).toHaveLength(2);
      const [first, second] = await repo.listEvents({ ...q, limit: 2 });
      const rest = await repo.listEvents({
        ...q,
        before: { startedAt: second!.startedAt, id: second!.id },
      });
      expect(new Set([first!.id, second!.id, ...ids(rest)])).toStrictEqual(
        new Set([a.id, b.id, c.id]),
      );
      expect(await repo.listEvents({ ...q, deviceIds: [] })).toStrictEqual([]);

      expect(
        await repo.updateEvent(b.id, { zones: ['Lawn', 'Beds'], endedAt: 2_500, maxScore: 0.875 }),
      ).toBe(true);
      expect(ids(await repo.listEvents({ ...q, zone: 'Beds' }))).toStrictEqual([b.id]);
      expect((await repo.getEvent(b.id))?.maxScore).toBe(0.875);
      expect(ids(await repo.listOpen())).not.toContain(b.id);
      expect(ids(await repo.listOlder(cam.id, 1_500, 10))).toStrictEqual([a.id]);
      expect(await repo.deleteEvents([a.id])).toBe(1);
      expect(await repo.devicesWithEvents()).toStrictEqual([{ deviceId: cam.id, siteId }]);
    });

    it('settings and the detector report upsert independently', async () => {
      expect(await repo.getSettings(cam.id)).toBeNull();
      await repo.saveDetector(
        cam.id,
        siteId,
        { backend: 'webgl', model: 'centernet', msPerFrame: 12.5 },
        5,
      );
      await repo.saveSettings(cam.id, siteId, { ...DEFAULT_DETECTION_SETTINGS, minScore: 0.5 }, 7);
      await repo.saveDetector(
        cam.id,
        siteId,
        { backend: 'wasm', model: 'centernet', msPerFrame: 30 },
        9,
      );
      expect(await repo.getSettings(cam.id)).toStrictEqual({
        deviceId: cam.id,
        siteId,
        settings: { ...DEFAULT_DETECTION_SETTINGS, minScore: 0.5 },
        updatedAt: 7,
        detector: { backend: 'wasm', model: 'centernet', msPerFrame: 30 },
        detectorReportedAt: 9,
      });
    });
  });
}
