import type { SqlExecutor } from '../../store/executor/SqlExecutor.ts';
import type { DataKeyRecord } from '../crypto/DataKeys.ts';
import type { RecordingRun, RecordingStream, SegmentRecord } from '../types.ts';
import type {
  RecordingIndex,
  RecordingUsage,
  SegmentQuery,
  StreamTotals,
  UsageDelta,
} from './RecordingIndex.ts';
import { dataKeys, runs, segments, streams, usage } from './recordingTables.ts';

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The recording index in the metadata database, on the executor the identity repositories share
 * (same connection, same migration list); portable SQL with `?` placeholders.
 */
export class SqlRecordingIndex implements RecordingIndex {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  // Streams

  getStream(deviceId: string): Promise<RecordingStream | null> {
    return streams.getBy(this.#db, { deviceId });
  }

  listStreams(siteId?: string): Promise<RecordingStream[]> {
    return streams.listBy(this.#db, siteId === undefined ? {} : { siteId }, ['deviceId']);
  }

  async saveStream(s: RecordingStream, onDemandUntil: number | null): Promise<void> {
    await this.#db.query(
      `INSERT INTO recording_streams (${streams.columnList}, on_demand_until)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (device_id) DO UPDATE SET mode = excluded.mode,
         retention_max_age_s = excluded.retention_max_age_s,
         retention_max_bytes = excluded.retention_max_bytes, pre_roll_s = excluded.pre_roll_s,
         post_roll_s = excluded.post_roll_s, tags = excluded.tags,
         updated_at = excluded.updated_at, on_demand_until = excluded.on_demand_until`,
      [...streams.values(s), onDemandUntil],
    );
  }

  async onDemandUntil(deviceId: string): Promise<number | null> {
    const { rows } = await this.#db.query(
      'SELECT on_demand_until FROM recording_streams WHERE device_id = ?',
      [deviceId],
    );
    return numOrNull(rows[0]?.on_demand_until ?? null);
  }

  // Runs

  async insertRun(r: RecordingRun): Promise<void> {
    await runs.insert(this.#db, r);
  }

  getRun(id: string): Promise<RecordingRun | null> {
    return runs.getBy(this.#db, { id });
  }

  listRuns(deviceId: string): Promise<RecordingRun[]> {
    return runs.listBy(this.#db, { deviceId }, ['startedAt', 'id']);
  }

  async deleteRun(id: string): Promise<void> {
    await runs.deleteBy(this.#db, 'id', id);
  }

  emptyRuns(deviceId: string): Promise<RecordingRun[]> {
    return runs.many(
      this.#db,
      `SELECT ${runs.columnList} FROM recording_runs r WHERE device_id = ?
       AND NOT EXISTS (SELECT 1 FROM recording_segments s WHERE s.run_id = r.id)`,
      [deviceId],
    );
  }

  // Segments

  async insertSegment(s: SegmentRecord): Promise<void> {
    await segments.insert(this.#db, s);
  }

  getSegment(deviceId: string, seq: number): Promise<SegmentRecord | null> {
    return segments.getBy(this.#db, { deviceId, seq });
  }

  async lastSeq(deviceId: string): Promise<number> {
    const { rows } = await this.#db.query(
      'SELECT MAX(seq) AS m FROM recording_segments WHERE device_id = ?',
      [deviceId],
    );
    return numOrNull(rows[0]?.m ?? null) ?? 0;
  }

  querySegments(q: SegmentQuery): Promise<SegmentRecord[]> {
    // A segment overlaps [from, to) when it starts before `to` and ends after `from`; the lower
    // bound on producer_time keeps the scan on the index (segments are far shorter than a minute).
    return this.#segments(
      `WHERE device_id = ? AND producer_time < ? AND producer_time >= ?
         AND producer_time + duration_ms > ?
       ORDER BY producer_time, seq LIMIT ?`,
      [q.deviceId, q.to, q.from - 60_000, q.from, q.limit],
    );
  }

  async latestSegments(deviceId: string, limit: number): Promise<SegmentRecord[]> {
    const rows = await this.#segments('WHERE device_id = ? ORDER BY seq DESC LIMIT ?', [
      deviceId,
      limit,
    ]);
    return rows.reverse();
  }

  oldestSegments(deviceId: string, limit: number): Promise<SegmentRecord[]> {
    return this.#segments('WHERE device_id = ? ORDER BY producer_time, seq LIMIT ?', [
      deviceId,
      limit,
    ]);
  }

  oldestSegmentsOverall(limit: number): Promise<SegmentRecord[]> {
    return this.#segments('ORDER BY ingest_time, device_id, seq LIMIT ?', [limit]);
  }

  segmentsIngestedBefore(
    deviceId: string,
    before: number,
    limit: number,
  ): Promise<SegmentRecord[]> {
    return this.#segments(
      'WHERE device_id = ? AND ingest_time < ? ORDER BY ingest_time, seq LIMIT ?',
      [deviceId, before, limit],
    );
  }

  async deleteSegments(deviceId: string, seqs: readonly number[]): Promise<number> {
    let deleted = 0;
    // Bounded IN lists: SQLite's default variable limit is 32766, PostgreSQL's 65535.
    for (let i = 0; i < seqs.length; i += 500) {
      const chunk = seqs.slice(i, i + 500);
      const { rowCount } = await this.#db.query(
        `DELETE FROM recording_segments WHERE device_id = ? AND seq IN (${chunk.map(() => '?').join(', ')})`,
        [deviceId, ...chunk],
      );
      deleted += rowCount;
    }
    return deleted;
  }

  allSegments(deviceId: string): Promise<SegmentRecord[]> {
    return segments.listBy(this.#db, { deviceId }, ['seq']);
  }

  async streamTotals(deviceId: string): Promise<StreamTotals> {
    const { rows } = await this.#db.query(
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
    const { rows } = await this.#db.query(
      `SELECT (SELECT COALESCE(SUM(stored_bytes), 0) FROM recording_segments) +
              (SELECT COALESCE(SUM(stored_bytes), 0) FROM recording_runs) AS t`,
    );
    return num(rows[0]?.t ?? 0);
  }

  async storedBytesBySite(): Promise<Map<string, number>> {
    // Runs carry their site; segments reach it through their run.
    const { rows } = await this.#db.query(
      `SELECT r.site_id AS site, SUM(r.stored_bytes) + COALESCE(SUM(s.b), 0) AS t
       FROM recording_runs r
       LEFT JOIN (SELECT run_id, SUM(stored_bytes) AS b FROM recording_segments GROUP BY run_id) s
         ON s.run_id = r.id
       GROUP BY r.site_id`,
    );
    return new Map(rows.map((r) => [String(r.site), num(r.t ?? 0)]));
  }

  // Usage

  async addUsage(deviceId: string, siteId: string, day: string, d: UsageDelta): Promise<void> {
    await this.#db.query(
      `INSERT INTO recording_usage (${usage.columnList}) VALUES (?, ?, ?, ?, ?, ?)
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
    return usage.many(
      this.#db,
      `SELECT ${usage.columnList} FROM recording_usage
       WHERE site_id = ? AND day >= ? AND day <= ? ORDER BY day, device_id`,
      [siteId, fromDay, toDay],
    );
  }

  // Data keys (wrapped only)

  async insertDataKey(k: DataKeyRecord): Promise<void> {
    await dataKeys.insert(this.#db, k);
  }

  getDataKey(id: string): Promise<DataKeyRecord | null> {
    return dataKeys.getBy(this.#db, { id });
  }

  listDataKeys(): Promise<DataKeyRecord[]> {
    return dataKeys.listBy(this.#db, {}, ['createdAt', 'id']);
  }

  activeDataKey(deviceId: string): Promise<DataKeyRecord | null> {
    return dataKeys.one(
      this.#db,
      `SELECT ${dataKeys.columnList} FROM recording_data_keys
       WHERE device_id = ? AND retired_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1`,
      [deviceId],
    );
  }

  async updateDataKeyWrap(id: string, masterKeyId: string, wrapped: Buffer): Promise<void> {
    await dataKeys.patch(this.#db, 'id', id, ['masterKeyId', 'wrapped'], { masterKeyId, wrapped });
  }

  async retireDataKey(id: string, at: number): Promise<void> {
    await dataKeys.patch(this.#db, 'id', id, ['retiredAt'], { retiredAt: at });
  }

  #segments(tail: string, params: readonly (string | number)[]): Promise<SegmentRecord[]> {
    return segments.many(
      this.#db,
      `SELECT ${segments.columnList} FROM recording_segments ${tail}`,
      params,
    );
  }
}
