import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DuplicateError } from '../../../src/store/errors.ts';
import type { Store } from '../../../src/store/createStore.ts';
import type { RecordingIndex } from '../../../src/recording/index/RecordingIndex.ts';
import { SqlRecordingIndex } from '../../../src/recording/index/SqlRecordingIndex.ts';
import type { RecordingRun, RecordingStream, SegmentRecord } from '../../../src/recording/types.ts';
import { T0, seedSite as seedSiteIn, type ContractScope } from './fixtures.ts';

export function recordingIndexContract(scope: ContractScope): void {
  describe('recording index', () => {
    let store: Store;
    let index: RecordingIndex;
    beforeEach(() => {
      store = scope.store;
      index = new SqlRecordingIndex(store.executor);
    });
    const seedSite = (): ReturnType<typeof seedSiteIn> => seedSiteIn(store);

    const stream = (deviceId: string, siteId: string): RecordingStream => ({
      deviceId,
      ownerDeviceId: deviceId,
      siteId,
      mode: 'continuous',
      retentionMaxAgeSeconds: 86_400,
      retentionMaxBytes: null,
      preRollSeconds: 6,
      postRollSeconds: 20,
      tags: { zone: "front 'door'", note: '"; DROP TABLE recording_segments; --' },
      createdAt: T0,
      updatedAt: T0,
    });
    const run = (deviceId: string, siteId: string, id = `run_${randomUUID()}`): RecordingRun => ({
      id,
      deviceId,
      siteId,
      startedAt: T0,
      codecs: 'avc1.42e01f,opus',
      width: 640,
      height: 480,
      keyId: 'dk_1',
      storageKey: `${siteId}/${deviceId}/${id}/init.mp4`,
      bytes: 800,
      storedBytes: 850,
    });
    const segment = (
      r: RecordingRun,
      seq: number,
      over: Partial<SegmentRecord> = {},
    ): SegmentRecord => ({
      deviceId: r.deviceId,
      seq,
      runId: r.id,
      producerTime: T0 + seq * 2000,
      ingestTime: T0 + seq * 2000 + 300,
      durationMs: 2000,
      bytes: 1000 + seq,
      storedBytes: 1050 + seq,
      keyframe: seq % 2 === 0,
      tags: seq === 3 ? ['person'] : [],
      keyId: 'dk_1',
      storageKey: `${r.storageKey.replace('init.mp4', '')}${seq}.m4s`,
      ...over,
    });

    it('round-trips stream settings, upserts them and keeps the on-demand deadline', async () => {
      const { home, camera } = await seedSite();
      const s = stream(camera.id, home.id);
      await index.saveStream(s, null);
      expect(await index.getStream(camera.id)).toStrictEqual(s);
      const changed = {
        ...s,
        mode: 'event' as const,
        retentionMaxBytes: 5_000_000,
        updatedAt: T0 + 9,
      };
      await index.saveStream(changed, T0 + 60_000);
      expect(await index.getStream(camera.id)).toStrictEqual(changed);
      expect(await index.onDemandUntil(camera.id)).toBe(T0 + 60_000);
      expect(await index.listStreams(home.id)).toStrictEqual([changed]);
      expect(await index.listStreams('other-site')).toStrictEqual([]);
    });

    it('indexes segments by camera time and keeps totals, order and sequence', async () => {
      const { home, camera } = await seedSite();
      await index.saveStream(stream(camera.id, home.id), null);
      const r = run(camera.id, home.id);
      await index.insertRun(r);
      expect(await index.getRun(r.id)).toStrictEqual(r);
      const rows = [1, 2, 3, 4, 5].map((n) => segment(r, n));
      for (const row of rows) await index.insertSegment(row);
      await expect(index.insertSegment(rows[0]!)).rejects.toBeInstanceOf(DuplicateError);
      expect(await index.getSegment(camera.id, 3)).toStrictEqual(rows[2]);
      expect(await index.lastSeq(camera.id)).toBe(5);
      // [T0+5000, T0+7000) overlaps seq 2 (4000-6000) and 3 (6000-8000).
      const hit = await index.querySegments({
        deviceId: camera.id,
        from: T0 + 5000,
        to: T0 + 7000,
        limit: 10,
      });
      expect(hit.map((x) => x.seq)).toStrictEqual([2, 3]);
      // Touching the end is not an overlap.
      const edge = await index.querySegments({
        deviceId: camera.id,
        from: T0 + 6000,
        to: T0 + 6001,
        limit: 10,
      });
      expect(edge.map((x) => x.seq)).toStrictEqual([3]);
      expect((await index.latestSegments(camera.id, 2)).map((x) => x.seq)).toStrictEqual([4, 5]);
      expect((await index.oldestSegments(camera.id, 2)).map((x) => x.seq)).toStrictEqual([1, 2]);
      expect((await index.oldestSegmentsOverall(1)).map((x) => x.seq)).toStrictEqual([1]);
      expect(
        (await index.segmentsIngestedBefore(camera.id, T0 + 6301, 10)).map((x) => x.seq),
      ).toStrictEqual([1, 2, 3]);
      expect(await index.streamTotals(camera.id)).toStrictEqual({
        segments: 5,
        bytes: 5015,
        storedBytes: 5265,
        firstTime: T0 + 2000,
        lastTime: T0 + 12_000,
      });
      expect(await index.totalStoredBytes()).toBe(5265 + 850);
      expect(await index.deleteSegments(camera.id, [1, 2, 99])).toBe(2);
      expect((await index.allSegments(camera.id)).map((x) => x.seq)).toStrictEqual([3, 4, 5]);
      expect(await index.emptyRuns(camera.id)).toStrictEqual([]);
      await index.deleteSegments(camera.id, [3, 4, 5]);
      expect(await index.emptyRuns(camera.id)).toStrictEqual([r]);
      // lastSeq only sees stored rows (run ids keep storage keys unique if numbering restarts).
      expect(await index.lastSeq(camera.id)).toBe(0);
    });

    it('deleting a device removes its index (objects are then orphans for the repair pass)', async () => {
      const { home, camera } = await seedSite();
      await index.saveStream(stream(camera.id, home.id), null);
      const r = run(camera.id, home.id);
      await index.insertRun(r);
      await index.insertSegment(segment(r, 1));
      await store.devices.delete(camera.id);
      expect(await index.getStream(camera.id)).toBeNull();
      expect(await index.getRun(r.id)).toBeNull();
      expect(await index.allSegments(camera.id)).toStrictEqual([]);
    });

    it('keeps data keys wrapped, newest active first, retirable and re-wrappable', async () => {
      const wrapped = Buffer.from([0, 1, 2, 250, 255]);
      await index.insertDataKey({
        id: 'dk_a',
        deviceId: 'd1',
        masterKeyId: 'mk1',
        wrapped,
        createdAt: T0,
        retiredAt: null,
      });
      await index.insertDataKey({
        id: 'dk_b',
        deviceId: 'd1',
        masterKeyId: 'mk1',
        wrapped,
        createdAt: T0 + 1,
        retiredAt: null,
      });
      expect((await index.activeDataKey('d1'))?.id).toBe('dk_b');
      await index.retireDataKey('dk_b', T0 + 2);
      expect((await index.activeDataKey('d1'))?.id).toBe('dk_a');
      await index.updateDataKeyWrap('dk_a', 'mk2', Buffer.from([9]));
      expect(await index.getDataKey('dk_a')).toStrictEqual({
        id: 'dk_a',
        deviceId: 'd1',
        masterKeyId: 'mk2',
        wrapped: Buffer.from([9]),
        createdAt: T0,
        retiredAt: null,
      });
      expect((await index.listDataKeys()).map((k) => k.id)).toStrictEqual(['dk_a', 'dk_b']);
      expect(await index.activeDataKey('d2')).toBeNull();
    });

    it('accumulates usage per device and day', async () => {
      await index.addUsage('d1', 's1', '2026-11-24', {
        bytesIngested: 10,
        bytesServed: 1,
      });
      await index.addUsage('d1', 's1', '2026-11-24', {
        bytesIngested: 5,
        storedByteSeconds: 7,
      });
      await index.addUsage('d1', 's1', '2026-11-25', { bytesServed: 3 });
      await index.addUsage('d2', 's2', '2026-11-25', { bytesServed: 3 });
      expect(await index.queryUsage('s1', '2026-11-24', '2026-11-24')).toStrictEqual([
        {
          deviceId: 'd1',
          siteId: 's1',
          day: '2026-11-24',
          bytesIngested: 15,
          bytesServed: 1,
          storedByteSeconds: 7,
        },
      ]);
      expect(await index.queryUsage('s1', '2026-01-01', '2026-12-31')).toHaveLength(2);
    });
  });
}
