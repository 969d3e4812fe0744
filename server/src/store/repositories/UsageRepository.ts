import type { SqlExecutor, SqlValue } from '../executor/SqlExecutor.ts';
import { column, int, Table, text } from '../executor/table.ts';

/** `hour` of the meter's checkpoint rows (not usage). */
export const CHECKPOINT_HOUR = -1;

/** Dimensions whose rows are set, not added: a flag per (hour, device), or checkpoint state. */
const SET_DIMENSIONS = ['activeChannels'];

/** One row of a flush: an hour's amount of one dimension for one site and device. */
export interface UsageRollup {
  /** Unix ms of the UTC hour's start, or CHECKPOINT_HOUR for checkpoint state. */
  hour: number;
  siteId: string;
  /** '' for the site itself (people's signaling). */
  deviceId: string;
  dimension: string;
  /** Non-negative integer, as a decimal string (byte-seconds can pass 2^53). */
  quantity: string;
}

/** Summed quantity of one dimension in one hour. */
export interface HourlyUsage {
  hour: number;
  dimension: string;
  quantity: string;
}

/** Whose rollups: one site, or every site an account owns; optionally one device. */
export interface UsageFilter {
  siteId?: string;
  accountId?: string;
  deviceId?: string;
  /** Hours in [from, to), unix ms. */
  from: number;
  to: number;
}

export interface UsageRepository {
  /**
   * Applies one flush in a single statement per group of rows (a group = one site and device, so
   * a device's rollups and its checkpoint are never split): counters are added, `activeChannels`
   * and checkpoint rows are set. A row already stamped with `batchId` is left alone, so retrying
   * a flush whose outcome was unknown never counts twice.
   */
  apply(batchId: string, rows: readonly UsageRollup[]): Promise<void>;
  /** Per hour and dimension sums (every dimension but `activeChannels`), oldest first. */
  hourly(filter: UsageFilter): Promise<HourlyUsage[]>;
  /** The (hour, device) pairs with a connected signaling channel, oldest first. */
  channels(filter: UsageFilter): Promise<{ hour: number; deviceId: string }[]>;
  /**
   * TURN relay usage from the TURN meter's sessions (turn_usage), by the hour each session
   * closed: minutes (each session rounded up to whole minutes) and relayed bytes both ways.
   */
  turnHourly(filter: UsageFilter): Promise<{ hour: number; minutes: string; bytes: string }[]>;
  /** Every checkpoint row (the meter reads them once at start). */
  checkpoints(): Promise<UsageRollup[]>;
}

const rollups = new Table<UsageRollup & { batchId: string }>('usage_rollups', {
  hour: column('hour', int),
  siteId: column('site_id', text),
  deviceId: column('device_id', text),
  dimension: column('dimension', text),
  quantity: column('quantity', { toSql: (v: string) => v, fromSql: (v) => String(v) }),
  batchId: column('batch_id', text),
});

/** Rows per statement: 6 values each stays far below both drivers' parameter limits. */
const MAX_ROWS_PER_STATEMENT = 1000;
const HOUR_MS = 3_600_000;

export class SqlUsageRepository implements UsageRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async apply(batchId: string, rows: readonly UsageRollup[]): Promise<void> {
    for (const chunk of chunksByDevice(merged(rows))) {
      const params: SqlValue[] = [];
      for (const r of chunk) {
        if (!/^(0|[1-9][0-9]{0,18})$/.test(r.quantity)) {
          throw new RangeError(`usage quantity ${JSON.stringify(r.quantity)} is not a BIGINT`);
        }
        params.push(r.hour, r.siteId, r.deviceId, r.dimension, r.quantity, batchId);
      }
      const set = SET_DIMENSIONS.map((d) => `'${d}'`).join(', ');
      await this.#db.query(
        `INSERT INTO usage_rollups (${rollups.columnList}) VALUES ` +
          chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ') +
          ` ON CONFLICT (hour, site_id, device_id, dimension) DO UPDATE SET
             quantity = CASE
               WHEN usage_rollups.hour = ${CHECKPOINT_HOUR} OR usage_rollups.dimension IN (${set})
               THEN excluded.quantity
               ELSE usage_rollups.quantity + excluded.quantity END,
             batch_id = excluded.batch_id
           WHERE usage_rollups.batch_id <> excluded.batch_id`,
        params,
      );
    }
  }

  async hourly(filter: UsageFilter): Promise<HourlyUsage[]> {
    const w = scope(filter, 'hour', 'device_id');
    const { rows } = await this.#db.query(
      `SELECT hour, dimension, CAST(SUM(quantity) AS TEXT) AS quantity FROM usage_rollups
       WHERE ${w.sql} AND dimension <> 'activeChannels'
       GROUP BY hour, dimension ORDER BY hour, dimension`,
      w.params,
    );
    return rows.map((r) => ({
      hour: Number(r['hour']),
      dimension: String(r['dimension']),
      quantity: String(r['quantity']),
    }));
  }

  async channels(filter: UsageFilter): Promise<{ hour: number; deviceId: string }[]> {
    const w = scope(filter, 'hour', 'device_id');
    const { rows } = await this.#db.query(
      `SELECT hour, device_id FROM usage_rollups
       WHERE ${w.sql} AND dimension = 'activeChannels' AND quantity > 0
       ORDER BY hour, device_id`,
      w.params,
    );
    return rows.map((r) => ({ hour: Number(r['hour']), deviceId: String(r['device_id']) }));
  }

  async turnHourly(
    filter: UsageFilter,
  ): Promise<{ hour: number; minutes: string; bytes: string }[]> {
    const w = scope(filter, 'at', 'principal_id');
    const { rows } = await this.#db.query(
      `SELECT at - (at % ${HOUR_MS}) AS hour,
         CAST(SUM((duration_seconds + 59) / 60) AS TEXT) AS minutes,
         CAST(SUM(bytes_received + bytes_sent) AS TEXT) AS bytes
       FROM turn_usage WHERE ${w.sql}
       GROUP BY at - (at % ${HOUR_MS}) ORDER BY hour`,
      w.params,
    );
    return rows.map((r) => ({
      hour: Number(r['hour']),
      minutes: String(r['minutes']),
      bytes: String(r['bytes']),
    }));
  }

  async checkpoints(): Promise<UsageRollup[]> {
    const rows = await rollups.many(
      this.#db,
      `SELECT ${rollups.columnList} FROM usage_rollups WHERE hour = ?
       ORDER BY site_id, device_id, dimension`,
      [CHECKPOINT_HOUR],
    );
    return rows.map(({ batchId: _batch, ...r }) => r);
  }
}

/** WHERE for a site/account (+ device) and a time range on `timeColumn`. */
function scope(
  f: UsageFilter,
  timeColumn: string,
  deviceColumn: string,
): { sql: string; params: SqlValue[] } {
  const conditions = [`${timeColumn} >= ?`, `${timeColumn} < ?`];
  const params: SqlValue[] = [Math.max(0, f.from), f.to];
  if (f.siteId !== undefined) {
    conditions.push('site_id = ?');
    params.push(f.siteId);
  }
  if (f.accountId !== undefined) {
    conditions.push(
      "site_id IN (SELECT site_id FROM grants WHERE account_id = ? AND role = 'owner' AND revoked_at IS NULL)",
    );
    params.push(f.accountId);
  }
  if (f.siteId === undefined && f.accountId === undefined) {
    throw new TypeError('usage query without a site or an account');
  }
  if (f.deviceId !== undefined) {
    conditions.push(`${deviceColumn} = ?`);
    params.push(f.deviceId);
  }
  return { sql: conditions.join(' AND '), params };
}

/** One row per key (one statement may not touch a row twice): counters summed, set rows last. */
function merged(rows: readonly UsageRollup[]): UsageRollup[] {
  const byKey = new Map<string, UsageRollup>();
  for (const r of rows) {
    const key = `${r.hour}\u0000${r.siteId}\u0000${r.deviceId}\u0000${r.dimension}`;
    const prev = byKey.get(key);
    const add = prev && r.hour !== CHECKPOINT_HOUR && !SET_DIMENSIONS.includes(r.dimension);
    byKey.set(
      key,
      add ? { ...r, quantity: (BigInt(prev.quantity) + BigInt(r.quantity)).toString() } : r,
    );
  }
  return [...byKey.values()];
}

/** Rows grouped by (site, device), packed into statements of at most MAX_ROWS_PER_STATEMENT. */
function chunksByDevice(rows: readonly UsageRollup[]): UsageRollup[][] {
  const groups = new Map<string, UsageRollup[]>();
  for (const r of rows) {
    const key = `${r.siteId}\u0000${r.deviceId}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  const chunks: UsageRollup[][] = [];
  let current: UsageRollup[] = [];
  for (const g of groups.values()) {
    if (current.length > 0 && current.length + g.length > MAX_ROWS_PER_STATEMENT) {
      chunks.push(current);
      current = [];
    }
    current.push(...g);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
