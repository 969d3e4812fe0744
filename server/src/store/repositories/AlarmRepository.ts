import type { AlarmKind, AlarmState } from '@porchlight/protocol';
import type { SqlExecutor } from '../executor/SqlExecutor.ts';
import { bool, column, int, literal, nullable, Table, text } from '../executor/table.ts';

/** One alarm rule with its current state. */
export interface AlarmRecord {
  id: string;
  siteId: string;
  kind: AlarmKind;
  /** One camera, or null for the whole site. */
  deviceId: string | null;
  threshold: number;
  periodSeconds: number;
  datapointsToAlarm: number;
  evaluationPeriods: number;
  enabled: boolean;
  isDefault: boolean;
  createdAt: number;
  updatedAt: number;
  state: AlarmState;
  reason: string;
  /** The last datapoint (null: missing, or never evaluated). */
  value: number | null;
  stateChangedAt: number;
  evaluatedAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  mutedUntil: number | null;
}

export type AlarmRulePatch = Partial<
  Pick<
    AlarmRecord,
    'threshold' | 'periodSeconds' | 'datapointsToAlarm' | 'evaluationPeriods' | 'enabled'
  >
> & { updatedAt: number };

/** What an evaluation writes back. */
export type AlarmStatePatch = Partial<
  Pick<
    AlarmRecord,
    | 'state'
    | 'reason'
    | 'value'
    | 'stateChangedAt'
    | 'evaluatedAt'
    | 'acknowledgedAt'
    | 'acknowledgedBy'
    | 'mutedUntil'
  >
>;

export type AlarmHistoryType = 'state' | 'acknowledged' | 'muted' | 'unmuted';

export interface AlarmHistoryRecord {
  id: number;
  alarmId: string;
  siteId: string;
  kind: AlarmKind;
  deviceId: string | null;
  at: number;
  type: AlarmHistoryType;
  from: AlarmState | null;
  to: AlarmState | null;
  value: number | null;
  reason: string;
  /** An account id for acknowledgements and mutes; null for the evaluator. */
  actor: string | null;
}

export interface AlarmHistoryQuery {
  siteId: string;
  alarmId?: string | undefined;
  /** Entries with a smaller id (paging, newest first). */
  before?: number | undefined;
  limit: number;
}

export interface AlarmRepository {
  create(a: AlarmRecord): Promise<void>;
  get(id: string): Promise<AlarmRecord | null>;
  /** A site's rules, oldest first. */
  listForSite(siteId: string): Promise<AlarmRecord[]>;
  /** Every enabled rule (the evaluator's work list). */
  listEnabled(): Promise<AlarmRecord[]>;
  updateRule(id: string, patch: AlarmRulePatch): Promise<boolean>;
  updateState(id: string, patch: AlarmStatePatch): Promise<boolean>;
  /** Its history goes with it. */
  delete(id: string): Promise<boolean>;
  appendHistory(e: Omit<AlarmHistoryRecord, 'id'>): Promise<number>;
  /** Newest first. */
  history(q: AlarmHistoryQuery): Promise<AlarmHistoryRecord[]>;
  /**
   * Claims the site for its default rules: true only for the first caller ever (the marker
   * survives deleting the rules, so a deleted default is not made again).
   */
  claimDefaults(siteId: string, at: number): Promise<boolean>;
}

/** REAL / DOUBLE PRECISION read back unchanged by the int codec's Number(). */
const real = int;

const alarms = new Table<AlarmRecord>('alarm_rules', {
  id: column('id', text),
  siteId: column('site_id', text),
  kind: column('kind', literal<AlarmKind>()),
  deviceId: column('device_id', nullable(text)),
  threshold: column('threshold', real),
  periodSeconds: column('period_seconds', int),
  datapointsToAlarm: column('datapoints_to_alarm', int),
  evaluationPeriods: column('evaluation_periods', int),
  enabled: column('enabled', bool),
  isDefault: column('is_default', bool),
  createdAt: column('created_at', int),
  updatedAt: column('updated_at', int),
  state: column('state', literal<AlarmState>()),
  reason: column('reason', text),
  value: column('value', nullable(real)),
  stateChangedAt: column('state_changed_at', int),
  evaluatedAt: column('evaluated_at', nullable(int)),
  acknowledgedAt: column('acknowledged_at', nullable(int)),
  acknowledgedBy: column('acknowledged_by', nullable(text)),
  mutedUntil: column('muted_until', nullable(int)),
});

const history = new Table<AlarmHistoryRecord>('alarm_history', {
  id: column('id', int),
  alarmId: column('alarm_id', text),
  siteId: column('site_id', text),
  kind: column('kind', literal<AlarmKind>()),
  deviceId: column('device_id', nullable(text)),
  at: column('at', int),
  type: column('type', literal<AlarmHistoryType>()),
  from: column('from_state', nullable(literal<AlarmState>())),
  to: column('to_state', nullable(literal<AlarmState>())),
  value: column('value', nullable(real)),
  reason: column('reason', text),
  actor: column('actor', nullable(text)),
});

export class SqlAlarmRepository implements AlarmRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async create(a: AlarmRecord): Promise<void> {
    await alarms.insert(this.#db, a);
  }

  get(id: string): Promise<AlarmRecord | null> {
    return alarms.getBy(this.#db, { id });
  }

  listForSite(siteId: string): Promise<AlarmRecord[]> {
    return alarms.listBy(this.#db, { siteId }, ['createdAt', 'id']);
  }

  listEnabled(): Promise<AlarmRecord[]> {
    return alarms.listBy(this.#db, { enabled: true }, ['siteId', 'createdAt', 'id']);
  }

  updateRule(id: string, patch: AlarmRulePatch): Promise<boolean> {
    return alarms.patch(
      this.#db,
      'id',
      id,
      [
        'threshold',
        'periodSeconds',
        'datapointsToAlarm',
        'evaluationPeriods',
        'enabled',
        'updatedAt',
      ],
      patch,
    );
  }

  updateState(id: string, patch: AlarmStatePatch): Promise<boolean> {
    return alarms.patch(
      this.#db,
      'id',
      id,
      [
        'state',
        'reason',
        'value',
        'stateChangedAt',
        'evaluatedAt',
        'acknowledgedAt',
        'acknowledgedBy',
        'mutedUntil',
      ],
      patch,
    );
  }

  async delete(id: string): Promise<boolean> {
    return (await alarms.deleteBy(this.#db, 'id', id)) === 1;
  }

  async appendHistory(e: Omit<AlarmHistoryRecord, 'id'>): Promise<number> {
    const { rows } = await history.insert(this.#db, e, ['id'], 'id');
    return Number(rows[0]?.['id']);
  }

  history(q: AlarmHistoryQuery): Promise<AlarmHistoryRecord[]> {
    const conditions = [`${history.col('siteId')} = ?`];
    const params: (string | number)[] = [q.siteId];
    if (q.alarmId !== undefined) {
      conditions.push(`${history.col('alarmId')} = ?`);
      params.push(q.alarmId);
    }
    if (q.before !== undefined) {
      conditions.push('id < ?');
      params.push(q.before);
    }
    return history.many(
      this.#db,
      `SELECT ${history.columnList} FROM ${history.name} WHERE ${conditions.join(' AND ')} ` +
        'ORDER BY id DESC LIMIT ?',
      [...params, q.limit],
    );
  }

  async claimDefaults(siteId: string, at: number): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      'INSERT INTO alarm_site_defaults (site_id, applied_at) VALUES (?, ?) ' +
        'ON CONFLICT (site_id) DO NOTHING',
      [siteId, at],
    );
    return rowCount === 1;
  }
}
