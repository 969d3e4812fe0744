import type { DataKeyRecord } from '../recording/crypto/DataKeys.ts';
import type {
  RecordingIndex,
  RecordingUsage,
  SegmentQuery,
  StreamTotals,
  UsageDelta,
} from '../recording/index/RecordingIndex.ts';
import type {
  RecordingMode,
  RecordingRun,
  RecordingStream,
  SegmentRecord,
} from '../recording/types.ts';
import type { Row } from './rows.ts';
import type { QueryResult, SqlValue } from './SqlStore.ts';

type Query = (sql: string, params?: readonly SqlValue[]) => Promise<QueryResult>;

const STREAM_COLUMNS =
  'device_id, site_id, mode, retention_max_age_s, retention_max_bytes, pre_roll_s, post_roll_s, ' +
  'tags, created_at, updated_at';
const RUN_COLUMNS =
  'id, device_id, site_id, started_at, codecs, width, height, key_id, storage_key, bytes, stored_bytes';
const SEGMENT_COLUMNS =
  'device_id, seq, run_id, producer_time, ingest_time, duration_ms, bytes, stored_bytes, keyframe, ' +
  'tags, key_id, storage_key';
const KEY_COLUMNS = 'id, device_id, master_key_id, wrapped, created_at, retired_at';

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toStream(r: Row): RecordingStream {
  return {
    deviceId: r.device_id as string,
    siteId: r.site_id as string,
    mode: r.mode as RecordingMode,
    retentionMaxAgeSeconds: numOrNull(r.retention_max_age_s),
    retentionMaxBytes: numOrNull(r.retention_max_bytes),
    preRollSeconds: num(r.pre_roll_s),
    postRollSeconds: num(r.post_roll_s),
    tags: JSON.parse(r.tags as string) as Record<string, string>,
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

function toRun(r: Row): RecordingRun {
  return {
    id: r.id as string,
    deviceId: r.device_id as string,
    siteId: r.site_id as string,
    startedAt: num(r.started_at),
    codecs: r.codecs as string,
    width: numOrNull(r.width),
    height: numOrNull(r.height),
    keyId: r.key_id as string,
    storageKey: r.storage_key as string,
    bytes: num(r.bytes),
    storedBytes: num(r.stored_bytes),
  };
}

function toSegment(r: Row): SegmentRecord {
  return {
    deviceId: r.device_id as string,
    seq: num(r.seq),
    runId: r.run_id as string,
    producerTime: num(r.producer_time),
    ingestTime: num(r.ingest_time),
    durationMs: num(r.duration_ms),
    bytes: num(r.bytes),
    storedBytes: num(r.stored_bytes),
    keyframe: r.keyframe === true || r.keyframe === 1,
    tags: JSON.parse(r.tags as string) as string[],
    keyId: r.key_id as string,
    storageKey: r.storage_key as string,
  };
}

function toKey(r: Row): DataKeyRecord {
  return {
    id: r.id as string,
    deviceId: r.device_id as string,
    masterKeyId: r.master_key_id as string,
    wrapped: Buffer.from(r.wrapped as string, 'base64'),
    createdAt: num(r.created_at),
    retiredAt: numOrNull(r.retired_at),
  };
}

function toUsage(r: Row): RecordingUsage {
  return {
    deviceId: r.device_id as string,
    siteId: r.site_id as string,
    day: r.day as string,
    bytesIngested: num(r.bytes_ingested),
    bytesServed: num(r.bytes_served),
    storedByteSeconds: num(r.stored_byte_seconds),
  };
}

/** The recording index on the shared SQL connection; portable SQL with `?` placeholders. */
export class SqlRecordingIndex implements RecordingIndex {
  readonly #query: Query;

  constructor(query: Query) {
    this.#query = query;
  }

  async #rows<T>(sql: string, params: readonly SqlValue[], map: (r: Row) => T): Promise<T[]> {
    const { rows } = await this.#query(sql, params);
    return rows.map(map);
  }

  async #row<T>(sql: string, params: readonly SqlValue[], map: (r: Row) => T): Promise<T | null> {
    const rows = await this.#rows(sql, params, map);
    return rows[0] ?? null;
  }

  // Streams

  getStream(deviceId: string): Promise<RecordingStream | null> {
    return this.#row(
      `SELECT ${STREAM_COLUMNS} FROM recording_streams WHERE device_id = ?`,
      [deviceId],
      toStream,
    );
  }

  listStreams(siteId?: string): Promise<RecordingStream[]> {
    return siteId === undefined
      ? this.#rows(
          `SELECT ${STREAM_COLUMNS} FROM recording_streams ORDER BY device_id`,
          [],
          toStream,
        )
      : this.#rows(
          `SELECT ${STREAM_COLUMNS} FROM recording_streams WHERE site_id = ? ORDER BY device_id`,
          [siteId],
          toStream,
        );
  }

  async saveStream(s: RecordingStream, onDemandUntil: number | null): Promise<void> {
    await this.#query(
      `INSERT INTO recording_streams (${STREAM_COLUMNS}, on_demand_until)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (device_id) DO UPDATE SET mode = excluded.mode,
         retention_max_age_s = excluded.retention_max_age_s,
         retention_max_bytes = excluded.retention_max_bytes, pre_roll_s = excluded.pre_roll_s,
         post_roll_s = excluded.post_roll_s, tags = excluded.tags,
         updated_at = excluded.updated_at, on_demand_until = excluded.on_demand_until`,
      [
        s.deviceId,
        s.siteId,
        s.mode,
        s.retentionMaxAgeSeconds,
        s.retentionMaxBytes,
        s.preRollSeconds,
        s.postRollSeconds,
        JSON.stringify(s.tags),
        s.createdAt,
        s.updatedAt,
        onDemandUntil,
      ],
    );
  }

  async onDemandUntil(deviceId: string): Promise<number | null> {
    const { rows } = await this.#query(
      'SELECT on_demand_until FROM recording_streams WHERE device_id = ?',
      [deviceId],
    );
    return numOrNull(rows[0]?.on_demand_until ?? null);
  }

  // Runs

  async insertRun(r: RecordingRun): Promise<void> {
    await this.#query(
      `INSERT INTO recording_runs (${RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        r.id,
        r.deviceId,
        r.siteId,
        r.startedAt,
        r.codecs,
        r.width,
        r.height,
        r.keyId,
        r.storageKey,
        r.bytes,
        r.storedBytes,
      ],
    );
  }

  getRun(id: string): Promise<RecordingRun | null> {
    return this.#row(`SELECT ${RUN_COLUMNS} FROM recording_runs WHERE id = ?`, [id], toRun);
  }

  listRuns(deviceId: string): Promise<RecordingRun[]> {
    return this.#rows(
      `SELECT ${RUN_COLUMNS} FROM recording_runs WHERE device_id = ? ORDER BY started_at, id`,
      [deviceId],
      toRun,
    );
  }

  async deleteRun(id: string): Promise<void> {
    await this.#query('DELETE FROM recording_runs WHERE id = ?', [id]);
  }

  emptyRuns(deviceId: string): Promise<RecordingRun[]> {
    return this.#rows(
      `SELECT ${RUN_COLUMNS} FROM recording_runs r WHERE device_id = ?
       AND NOT EXISTS (SELECT 1 FROM recording_segments s WHERE s.run_id = r.id)`,
      [deviceId],
      toRun,
    );
  }

  // Segments

  async insertSegment(s: SegmentRecord): Promise<void> {
    await this.#query(
      `INSERT INTO recording_segments (${SEGMENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        s.deviceId,
        s.seq,
        s.runId,
        s.producerTime,
        s.ingestTime,
        s.durationMs,
        s.bytes,
        s.storedBytes,
        s.keyframe,
        JSON.stringify(s.tags),
        s.keyId,
        s.storageKey,
      ],
    );
  }

  getSegment(deviceId: string, seq: number): Promise<SegmentRecord | null> {
    return this.#row(
      `SELECT ${SEGMENT_COLUMNS} FROM recording_segments WHERE device_id = ? AND seq = ?`,
      [deviceId, seq],
      toSegment,
    );
  }

  async lastSeq(deviceId: string): Promise<number> {
    const { rows } = await this.#query(
      'SELECT MAX(seq) AS m FROM recording_segments WHERE device_id = ?',
      [deviceId],
    );
    return numOrNull(rows[0]?.m ?? null) ?? 0;
  }

  querySegments(q: SegmentQuery): Promise<SegmentRecord[]> {
    // A segment overlaps [from, to) when it starts before `to` and ends after `from`; the lower
    // bound on producer_time keeps the scan on the index (segments are far shorter than a minute).
    return this.#rows(
      `SELECT ${SEGMENT_COLUMNS} FROM recording_segments
       WHERE device_id = ? AND producer_time < ? AND producer_time >= ?
         AND producer_time + duration_ms > ?
       ORDER BY producer_time, seq LIMIT ?`,
      [q.deviceId, q.to, q.from - 60_000, q.from, q.limit],
      toSegment,
    );
  }

  async latestSegments(deviceId: string, limit: number): Promise<SegmentRecord[]> {
    const rows = await this.#rows(
      `SELECT ${SEGMENT_COLUMNS} FROM recording_segments WHERE device_id = ?
       ORDER BY seq DESC LIMIT ?`,
      [deviceId, limit],
      toSegment,
    );
    return rows.reverse();
  }

  oldestSegments(deviceId: string, limit: number): Promise<SegmentRecord[]> {
    return this.#rows(
      `SELECT ${SEGMENT_COLUMNS} FROM recording_segments WHERE device_id = ?
       ORDER BY producer_time, seq LIMIT ?`,
      [deviceId, limit],
      toSegment,
    );
  }

  oldestSegmentsOverall(limit: number): Promise<SegmentRecord[]> {
    return this.#rows(
      `SELECT ${SEGMENT_COLUMNS} FROM recording_segments ORDER BY ingest_time, device_id, seq LIMIT ?`,
      [limit],
      toSegment,
    );
  }

  segmentsIngestedBefore(
    deviceId: string,
    before: number,
    limit: number,
  ): Promise<SegmentRecord[]> {
    return this.#rows(
      `SELECT ${SEGMENT_COLUMNS} FROM recording_segments WHERE device_id = ? AND ingest_time < ?
       ORDER BY ingest_time, seq LIMIT ?`,
      [deviceId, before, limit],
      toSegment,
    );
  }

  async deleteSegments(deviceId: string, seqs: readonly number[]): Promise<number> {
    let deleted = 0;
    // Bounded IN lists: SQLite's default variable limit is 32766, PostgreSQL's 65535.
    for (let i = 0; i < seqs.length; i += 500) {
      const chunk = seqs.slice(i, i + 500);
      const { rowCount } = await this.#query(
        `DELETE FROM recording_segments WHERE device_id = ? AND seq IN (${chunk.map(() => '?').join(', ')})`,
        [deviceId, ...chunk],
      );
      deleted += rowCount;
    }
    return deleted;
  }

  allSegments(deviceId: string): Promise<SegmentRecord[]> {
    return this.#rows(
      `SELECT ${SEGMENT_COLUMNS} FROM recording_segments WHERE device_id = ? ORDER BY seq`,
      [deviceId],
      toSegment,
    );
  }

  async streamTotals(deviceId: string): Promise<StreamTotals> {
    const { rows } = await this.#query(
      `SELECT COUNT(*) AS n, SUM(bytes) AS b, SUM(stored_bytes) AS sb, MIN(producer_time) AS f,
              MAX(producer_time + duration_ms) AS l
       FROM recording_segments WHERE device_id = ?`,
      [deviceId],
    );
    const r = rows[0] ?? {};
    return {
      segments: num(r.n ?? 0),
      bytes: num(r.b ?? 0),
      storedBytes: num(r.sb ?? 0),
      firstTime: numOrNull(r.f ?? null),
      lastTime: numOrNull(r.l ?? null),
    };
  }

  async totalStoredBytes(): Promise<number> {
    const { rows } = await this.#query(
      `SELECT (SELECT COALESCE(SUM(stored_bytes), 0) FROM recording_segments) +
              (SELECT COALESCE(SUM(stored_bytes), 0) FROM recording_runs) AS t`,
    );
    return num(rows[0]?.t ?? 0);
  }

  // Usage

  async addUsage(deviceId: string, siteId: string, day: string, d: UsageDelta): Promise<void> {
    await this.#query(
      `INSERT INTO recording_usage (device_id, site_id, day, bytes_ingested, bytes_served,
         stored_byte_seconds) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (device_id, day) DO UPDATE SET
         bytes_ingested = recording_usage.bytes_ingested + excluded.bytes_ingested,
         bytes_served = recording_usage.bytes_served + excluded.bytes_served,
         stored_byte_seconds = recording_usage.stored_byte_seconds + excluded.stored_byte_seconds`,
      [
        deviceId,
        siteId,
        day,
        Math.round(d.bytesIngested ?? 0),
        Math.round(d.bytesServed ?? 0),
        Math.round(d.storedByteSeconds ?? 0),
      ],
    );
  }

  queryUsage(siteId: string, fromDay: string, toDay: string): Promise<RecordingUsage[]> {
    return this.#rows(
      `SELECT device_id, site_id, day, bytes_ingested, bytes_served, stored_byte_seconds
       FROM recording_usage WHERE site_id = ? AND day >= ? AND day <= ? ORDER BY day, device_id`,
      [siteId, fromDay, toDay],
      toUsage,
    );
  }

  // Data keys (wrapped only)

  async insertDataKey(k: DataKeyRecord): Promise<void> {
    await this.#query(
      `INSERT INTO recording_data_keys (${KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`,
      [k.id, k.deviceId, k.masterKeyId, k.wrapped.toString('base64'), k.createdAt, k.retiredAt],
    );
  }

  getDataKey(id: string): Promise<DataKeyRecord | null> {
    return this.#row(`SELECT ${KEY_COLUMNS} FROM recording_data_keys WHERE id = ?`, [id], toKey);
  }

  listDataKeys(): Promise<DataKeyRecord[]> {
    return this.#rows(
      `SELECT ${KEY_COLUMNS} FROM recording_data_keys ORDER BY created_at, id`,
      [],
      toKey,
    );
  }

  activeDataKey(deviceId: string): Promise<DataKeyRecord | null> {
    return this.#row(
      `SELECT ${KEY_COLUMNS} FROM recording_data_keys WHERE device_id = ? AND retired_at IS NULL
       ORDER BY created_at DESC, id DESC LIMIT 1`,
      [deviceId],
      toKey,
    );
  }

  async updateDataKeyWrap(id: string, masterKeyId: string, wrapped: Buffer): Promise<void> {
    await this.#query(
      'UPDATE recording_data_keys SET master_key_id = ?, wrapped = ? WHERE id = ?',
      [masterKeyId, wrapped.toString('base64'), id],
    );
  }

  async retireDataKey(id: string, at: number): Promise<void> {
    await this.#query('UPDATE recording_data_keys SET retired_at = ? WHERE id = ?', [at, id]);
  }
}
