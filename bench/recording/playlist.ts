/**
 * A 24 h on-demand playlist from the index: 43,200 synthetic 2 s segments of one run in a real
 * SQLite store (a temp file, WAL, as the server opens it), then `querySegments` + `mediaPlaylist`
 * as MediaServer's vod.m3u8 route does. Baseline: the bare SELECT of the same rows on a second
 * better-sqlite3 connection to the same file (no row mapping, no playlist text).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { mediaPlaylist } from '../../server/src/recording/playback/playlists.ts';
import type { RecordingIndex } from '../../server/src/recording/index/RecordingIndex.ts';
import type { RecordingRun, SegmentRecord } from '../../server/src/recording/types.ts';
import { SqlRecordingIndex } from '../../server/src/recording/index/SqlRecordingIndex.ts';
import { createStore } from '../../server/src/store/createStore.ts';
import { deviceRecord, streamRecord } from '../../tests/support/records.ts';
import { median } from '../lib/stats.ts';

export const DAY_SEGMENTS = 43_200;
const SEGMENT_MS = 2000;
/** MediaServer's cap on one on-demand playlist. */
const MAX_VOD_SEGMENTS = 50_000;

export interface SyntheticDay {
  deviceId: string;
  runId: string;
  from: number;
  to: number;
}

/**
 * Inserts one run and a day of contiguous segments through the index (the real insert path, one
 * statement per segment as the recorder does). `streamExists`: the device's recording_streams row
 * is already there. Returns the range and the insert rate.
 */
export async function insertDay(
  index: RecordingIndex,
  o: { deviceId: string; siteId: string; streamExists?: boolean; end?: number },
): Promise<SyntheticDay & { insertsPerSecond: number }> {
  const end = o.end ?? Date.now() - 60_000;
  const from = end - DAY_SEGMENTS * SEGMENT_MS;
  const runId = `run_bench${Math.random().toString(36).slice(2, 12)}`;
  if (!o.streamExists) {
    await index.saveStream(streamRecord(o.deviceId, o.siteId, from), null);
  }
  const run: RecordingRun = {
    id: runId,
    deviceId: o.deviceId,
    siteId: o.siteId,
    startedAt: from,
    codecs: 'avc1.42e01f,opus',
    width: 1280,
    height: 720,
    keyId: 'dk_bench',
    storageKey: `${o.siteId}/${o.deviceId}/${runId}/init.mp4`,
    bytes: 1200,
    storedBytes: 1259,
  };
  await index.insertRun(run);
  const t0 = performance.now();
  for (let i = 0; i < DAY_SEGMENTS; i++) {
    const seq = i + 1;
    const segment: SegmentRecord = {
      deviceId: o.deviceId,
      seq,
      runId,
      producerTime: from + i * SEGMENT_MS,
      ingestTime: from + i * SEGMENT_MS + 1000,
      durationMs: SEGMENT_MS,
      bytes: 260_000,
      storedBytes: 260_059,
      keyframe: true,
      tags: [],
      keyId: 'dk_bench',
      storageKey: `${o.siteId}/${o.deviceId}/${runId}/${String(seq).padStart(10, '0')}.m4s`,
    };
    await index.insertSegment(segment);
  }
  const insertsPerSecond = DAY_SEGMENTS / ((performance.now() - t0) / 1000);
  return { deviceId: o.deviceId, runId, from, to: end, insertsPerSecond };
}

export interface PlaylistResult {
  segments: number;
  playlistBytes: number;
  insertsPerSecond: number;
  repeats: number;
  /** querySegments (SQL + row mapping), ms, median of repeats. */
  queryMs: number;
  /** mediaPlaylist text, ms. */
  renderMs: number;
  /** query + render: the vod.m3u8 route's work minus HTTP and the run lookups. */
  totalMs: number;
  /** The same SELECT on a bare connection (rows as objects), ms. */
  bareSelectMs: number;
  ratio: number;
}

export async function playlistBench(dir: string, repeats = 7): Promise<PlaylistResult> {
  const file = path.join(dir, 'playlist-bench.db');
  const store = await createStore({ url: `sqlite:${file}` });
  const index = new SqlRecordingIndex(store.executor);
  const bare = new Database(file, { readonly: true });
  try {
    const now = Date.now();
    await store.sites.create({ id: 'bench-site', name: 'Bench', createdAt: now });
    await store.devices.create(
      deviceRecord('bench-site', { id: 'bench-device', name: 'Bench camera', createdAt: now }),
    );
    const day = await insertDay(index, {
      deviceId: 'bench-device',
      siteId: 'bench-site',
    });
    const run = await index.getRun(day.runId);
    if (!run) throw new Error('run not found');
    const runs = new Map([[run.id, run]]);
    // The statement querySegments runs (kept in step with SqlRecordingIndex by the row count check).
    const select = bare.prepare(
      `SELECT device_id, seq, run_id, producer_time, ingest_time, duration_ms, bytes, stored_bytes,
              keyframe, tags, key_id, storage_key FROM recording_segments
       WHERE device_id = ? AND producer_time < ? AND producer_time >= ?
         AND producer_time + duration_ms > ?
       ORDER BY producer_time, seq LIMIT ?`,
    );
    const q = { deviceId: day.deviceId, from: day.from, to: day.to, limit: MAX_VOD_SEGMENTS };
    const query: number[] = [];
    const render: number[] = [];
    const bareMs: number[] = [];
    let segments = 0;
    let playlistBytes = 0;
    // Alternate so drift and GC hit both alike; the first round warms caches and is dropped.
    for (let i = 0; i <= repeats; i++) {
      const b0 = performance.now();
      const rows = select.all(q.deviceId, q.to, q.from - 60_000, q.from, q.limit);
      const b1 = performance.now();
      const t0 = performance.now();
      const list = await index.querySegments(q);
      const t1 = performance.now();
      const text = mediaPlaylist(list, runs, { kind: 'vod', segmentMs: SEGMENT_MS });
      const t2 = performance.now();
      if (rows.length !== list.length)
        throw new Error(`bare ${rows.length} != ${list.length} rows`);
      segments = list.length;
      playlistBytes = Buffer.byteLength(text);
      if (i === 0) continue;
      bareMs.push(b1 - b0);
      query.push(t1 - t0);
      render.push(t2 - t1);
    }
    const totals = query.map((v, i) => v + (render[i] ?? 0));
    return {
      segments,
      playlistBytes,
      insertsPerSecond: day.insertsPerSecond,
      repeats,
      queryMs: median(query),
      renderMs: median(render),
      totalMs: median(totals),
      bareSelectMs: median(bareMs),
      ratio: median(totals) / median(bareMs),
    };
  } finally {
    bare.close();
    await store.close();
  }
}
