import type {
  DetectionLabel,
  DetectionSettings,
  DetectorInfo,
  TrackPoint,
} from '@porchlight/protocol';
import type { SqlExecutor, SqlValue } from '../store/executor/SqlExecutor.ts';
import { column, int, json, literal, nullable, Table, text } from '../store/executor/table.ts';

/** One detection event as stored. */
export interface EventRow {
  id: string;
  siteId: string;
  deviceId: string;
  label: DetectionLabel;
  startedAt: number;
  endedAt: number | null;
  maxScore: number;
  zones: string[];
  track: TrackPoint[];
  detector: DetectorInfo;
  /** Storage name of the encrypted best snapshot. */
  snapshotRef: string | null;
  /** Unix ms (server clock) of the last post about the event. */
  updatedAt: number;
}

export type EventPatch = Partial<
  Pick<EventRow, 'endedAt' | 'maxScore' | 'zones' | 'track' | 'snapshotRef' | 'updatedAt'>
>;

/** A camera's row: saved settings (null = defaults) and its detector's last report. */
export interface SettingsRow {
  deviceId: string;
  siteId: string;
  settings: DetectionSettings | null;
  updatedAt: number | null;
  detector: DetectorInfo | null;
  detectorReportedAt: number | null;
}

export interface EventQuery {
  /** Only these cameras (the caller's readable ones); empty = nothing. */
  deviceIds: readonly string[];
  zone?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** Keyset cursor: strictly older than this (startedAt, id). */
  before?: { startedAt: number; id: string } | undefined;
  limit: number;
}

/** Scores are fractions: the int codec's Number() reads REAL / DOUBLE PRECISION unchanged. */
const real = int;

/** Zone names between newlines, for the portable substring search of the zone filter. */
const zoneList = (zones: readonly string[]): string => `\n${zones.join('\n')}\n`;

type StoredEvent = EventRow & { zoneList: string };

const events = new Table<StoredEvent>('detection_events', {
  id: column('id', text),
  siteId: column('site_id', text),
  deviceId: column('device_id', text),
  label: column('label', literal<DetectionLabel>()),
  startedAt: column('started_at', int),
  endedAt: column('ended_at', nullable(int)),
  maxScore: column('max_score', real),
  zones: column('zones', json<string[]>()),
  zoneList: column('zone_list', text),
  track: column('track', json<TrackPoint[]>()),
  detector: column('detector', json<DetectorInfo>()),
  snapshotRef: column('snapshot_ref', nullable(text)),
  updatedAt: column('updated_at', int),
});

const settings = new Table<SettingsRow>('detection_settings', {
  deviceId: column('device_id', text),
  siteId: column('site_id', text),
  settings: column('settings', nullable(json<DetectionSettings>())),
  updatedAt: column('updated_at', nullable(int)),
  detector: column('detector', nullable(json<DetectorInfo>())),
  detectorReportedAt: column('detector_reported_at', nullable(int)),
});

const strip = ({ zoneList: _, ...row }: StoredEvent): EventRow => row;

/** Detection events and per-camera detection settings, on the store's table layer. */
export class DetectionRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async createEvent(row: EventRow): Promise<void> {
    await events.insert(this.#db, { ...row, zoneList: zoneList(row.zones) });
  }

  async getEvent(id: string): Promise<EventRow | null> {
    const row = await events.getBy(this.#db, { id });
    return row && strip(row);
  }

  async updateEvent(id: string, patch: EventPatch): Promise<boolean> {
    const full: Partial<StoredEvent> = patch.zones
      ? { ...patch, zoneList: zoneList(patch.zones) }
      : patch;
    return events.patch(
      this.#db,
      'id',
      id,
      ['endedAt', 'maxScore', 'zones', 'zoneList', 'track', 'snapshotRef', 'updatedAt'],
      full,
    );
  }

  /** Newest first, keyset-paginated on (started_at, id). */
  async listEvents(q: EventQuery): Promise<EventRow[]> {
    if (q.deviceIds.length === 0) return [];
    const where: string[] = [`device_id IN (${q.deviceIds.map(() => '?').join(', ')})`];
    const params: SqlValue[] = [...q.deviceIds];
    if (q.zone !== undefined) {
      where.push(
        this.#db.dialect === 'sqlite' ? 'instr(zone_list, ?) > 0' : 'strpos(zone_list, ?) > 0',
      );
      params.push(`\n${q.zone}\n`);
    }
    if (q.from !== undefined) {
      where.push('started_at >= ?');
      params.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('started_at < ?');
      params.push(q.to);
    }
    if (q.before) {
      where.push('(started_at < ? OR (started_at = ? AND id < ?))');
      params.push(q.before.startedAt, q.before.startedAt, q.before.id);
    }
    params.push(q.limit);
    const rows = await events.many(
      this.#db,
      `SELECT ${events.columnList} FROM detection_events WHERE ${where.join(' AND ')} ` +
        'ORDER BY started_at DESC, id DESC LIMIT ?',
      params,
    );
    return rows.map(strip);
  }

  /** Open events (a stopped server left them open). */
  async listOpen(): Promise<EventRow[]> {
    const rows = await events.listBy(this.#db, {}, ['startedAt'], 'ended_at IS NULL');
    return rows.map(strip);
  }

  /** A camera's events started before `cutoff`, oldest first (to delete with their snapshots). */
  async listOlder(deviceId: string, cutoff: number, limit: number): Promise<EventRow[]> {
    const rows = await events.many(
      this.#db,
      `SELECT ${events.columnList} FROM detection_events WHERE device_id = ? AND started_at < ? ORDER BY started_at LIMIT ?`,
      [deviceId, cutoff, limit],
    );
    return rows.map(strip);
  }

  async deleteEvents(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const { rowCount } = await this.#db.query(
      `DELETE FROM detection_events WHERE id IN (${ids.map(() => '?').join(', ')})`,
      [...ids],
    );
    return rowCount;
  }

  /** Which of these event ids exist. */
  async existingIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.#db.query(
      `SELECT id FROM detection_events WHERE id IN (${ids.map(() => '?').join(', ')})`,
      [...ids],
    );
    return new Set(rows.map((r) => String(r['id'])));
  }

  /** Cameras that have events (retention walks them). */
  async devicesWithEvents(): Promise<{ deviceId: string; siteId: string }[]> {
    const { rows } = await this.#db.query(
      'SELECT DISTINCT device_id, site_id FROM detection_events',
    );
    return rows.map((r) => ({ deviceId: String(r['device_id']), siteId: String(r['site_id']) }));
  }

  /** Every camera with saved settings (the detector host finds the cameras set to the server). */
  listSettings(): Promise<SettingsRow[]> {
    return settings.listBy(this.#db, {}, ['deviceId'], 'settings IS NOT NULL');
  }

  getSettings(deviceId: string): Promise<SettingsRow | null> {
    return settings.getBy(this.#db, { deviceId });
  }

  async saveSettings(
    deviceId: string,
    siteId: string,
    value: DetectionSettings,
    at: number,
  ): Promise<void> {
    await this.#db.query(
      'INSERT INTO detection_settings (device_id, site_id, settings, updated_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (device_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at',
      [deviceId, siteId, settings.bind('settings', value), at],
    );
  }

  async saveDetector(
    deviceId: string,
    siteId: string,
    detector: DetectorInfo,
    at: number,
  ): Promise<void> {
    await this.#db.query(
      'INSERT INTO detection_settings (device_id, site_id, detector, detector_reported_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (device_id) DO UPDATE SET detector = excluded.detector, detector_reported_at = excluded.detector_reported_at',
      [deviceId, siteId, settings.bind('detector', detector), at],
    );
  }
}
