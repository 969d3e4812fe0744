import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStore, type Store } from '../../src/store/createStore.ts';
import type { RecordingIndex } from '../../src/recording/index/RecordingIndex.ts';
import { SqlRecordingIndex } from '../../src/recording/index/SqlRecordingIndex.ts';
import { DataKeys } from '../../src/recording/crypto/DataKeys.ts';
import { MasterKeyRing } from '../../src/recording/crypto/MasterKeyRing.ts';
import { SegmentVault } from '../../src/recording/SegmentVault.ts';
import { FileStorage } from '../../src/recording/storage/FileStorage.ts';
import type { RecordingRun, RecordingStream, SegmentRecord } from '../../src/recording/types.ts';
import { deviceRecord, streamRecord } from '../../../tests/support/records.ts';

/**
 * A real index (SQLite in memory) and real encrypted file storage in a temp dir, with helpers that
 * write synthetic segments the way StreamRecording does (object first, then row). For unit tests
 * of retention and repair, which are about bookkeeping, not media.
 */
export async function testVault(): Promise<{
  store: Store;
  /** The recording index on the store's database. */
  index: RecordingIndex;
  vault: SegmentVault;
  dir: string;
  siteId: string;
  deviceId: string;
  stream: RecordingStream;
  run: RecordingRun;
  addSegment(seq: number, o?: { producerTime?: number; bytes?: number }): Promise<SegmentRecord>;
  close(): Promise<void>;
}> {
  const store = await createStore({ url: 'sqlite::memory:' });
  const index = new SqlRecordingIndex(store.executor);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-vault-'));
  const storage = new FileStorage({ dir });
  const keys = new DataKeys({
    repo: index,
    masterKeys: new MasterKeyRing([{ id: 'mk-test', key: randomBytes(32) }]),
  });
  const vault = new SegmentVault(storage, keys);
  const siteId = randomUUID();
  const deviceId = randomUUID();
  await store.sites.create({ id: siteId, name: 'Home', createdAt: 1 });
  await store.devices.create(deviceRecord(siteId, { id: deviceId }));
  const stream = streamRecord(deviceId, siteId, 1);
  await index.saveStream(stream, null);
  const runId = 'run_test1';
  const initKey = SegmentVault.initKey(siteId, deviceId, runId);
  const init = await vault.put(deviceId, initKey, Buffer.from('init segment'));
  const run: RecordingRun = {
    id: runId,
    deviceId,
    siteId,
    startedAt: 1,
    codecs: 'avc1.42e01f',
    width: 640,
    height: 480,
    keyId: init.keyId,
    storageKey: initKey,
    bytes: 12,
    storedBytes: init.storedBytes,
  };
  await index.insertRun(run);
  return {
    store,
    index,
    vault,
    dir,
    siteId,
    deviceId,
    stream,
    run,
    async addSegment(seq, o = {}) {
      const storageKey = SegmentVault.segmentKey(siteId, deviceId, runId, seq);
      const plain = Buffer.alloc(o.bytes ?? 1000, seq);
      const w = await vault.put(deviceId, storageKey, plain);
      const producerTime = o.producerTime ?? 1_000_000 + seq * 2000;
      const record: SegmentRecord = {
        deviceId,
        seq,
        runId,
        producerTime,
        ingestTime: producerTime + 100,
        durationMs: 2000,
        bytes: plain.length,
        storedBytes: w.storedBytes,
        keyframe: true,
        tags: [],
        keyId: w.keyId,
        storageKey,
      };
      await index.insertSegment(record);
      return record;
    },
    async close() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
