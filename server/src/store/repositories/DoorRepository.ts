import type { DndPeriod } from '@porchlight/protocol';
import type { SqlExecutor } from '../executor/SqlExecutor.ts';
import { bool, column, int, json, nullable, Table, text } from '../executor/table.ts';

/** A doorbell device's door settings (created with defaults on first use). */
export interface DoorSettings {
  deviceId: string;
  siteId: string;
  /** null: the device name is shown. */
  displayName: string | null;
  dndEnabled: boolean;
  dndSchedule: DndPeriod[];
  dndTimeZone: string;
  ringWindowSeconds: number;
  quickReplies: string[];
  unlockUrl: string | null;
  /** HMAC key of the unlock webhook; never leaves the server. */
  unlockSecret: string | null;
  /** Door tokens of an older generation are refused. */
  tokenGeneration: number;
  updatedAt: number;
}

export type DoorPatch = Partial<
  Pick<
    DoorSettings,
    | 'displayName'
    | 'dndEnabled'
    | 'dndSchedule'
    | 'dndTimeZone'
    | 'ringWindowSeconds'
    | 'quickReplies'
    | 'unlockUrl'
    | 'unlockSecret'
    | 'updatedAt'
  >
>;

export interface DoorTokenRecord {
  id: string;
  doorId: string;
  /** The door's token generation when issued. */
  generation: number;
  label: string;
  createdAt: number;
  revokedAt: number | null;
}

/** The door aggregate: its settings and its tokens. */
export interface DoorRepository {
  get(deviceId: string): Promise<DoorSettings | null>;
  /** Inserts the row unless it exists (concurrent first uses are harmless). */
  ensure(defaults: DoorSettings): Promise<void>;
  update(deviceId: string, patch: DoorPatch): Promise<boolean>;
  /** Bumps the token generation (every existing token stops); returns the new one. */
  bumpGeneration(deviceId: string, at: number): Promise<number>;
  createToken(t: DoorTokenRecord): Promise<void>;
  getToken(id: string): Promise<DoorTokenRecord | null>;
  /** Tokens of the current generation, not revoked, oldest first. */
  listValidTokens(deviceId: string, generation: number): Promise<DoorTokenRecord[]>;
  revokeToken(id: string, at: number): Promise<boolean>;
}

const doors = new Table<DoorSettings>('doors', {
  deviceId: column('device_id', text),
  siteId: column('site_id', text),
  displayName: column('display_name', nullable(text)),
  dndEnabled: column('dnd_enabled', bool),
  dndSchedule: column('dnd_schedule', json<DndPeriod[]>()),
  dndTimeZone: column('dnd_time_zone', text),
  ringWindowSeconds: column('ring_window_s', int),
  quickReplies: column('quick_replies', json<string[]>()),
  unlockUrl: column('unlock_url', nullable(text)),
  unlockSecret: column('unlock_secret', nullable(text)),
  tokenGeneration: column('token_generation', int),
  updatedAt: column('updated_at', int),
});

const tokens = new Table<DoorTokenRecord>('door_tokens', {
  id: column('id', text),
  doorId: column('door_id', text),
  generation: column('generation', int),
  label: column('label', text),
  createdAt: column('created_at', int),
  revokedAt: column('revoked_at', nullable(int)),
});

const PATCHABLE = [
  'displayName',
  'dndEnabled',
  'dndSchedule',
  'dndTimeZone',
  'ringWindowSeconds',
  'quickReplies',
  'unlockUrl',
  'unlockSecret',
  'updatedAt',
] as const;

export class SqlDoorRepository implements DoorRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  get(deviceId: string): Promise<DoorSettings | null> {
    return doors.getBy(this.#db, { deviceId });
  }

  async ensure(d: DoorSettings): Promise<void> {
    const fields: (keyof DoorSettings & string)[] = [
      'deviceId',
      'siteId',
      'displayName',
      'dndEnabled',
      'dndSchedule',
      'dndTimeZone',
      'ringWindowSeconds',
      'quickReplies',
      'unlockUrl',
      'unlockSecret',
      'tokenGeneration',
      'updatedAt',
    ];
    await this.#db.query(
      `INSERT INTO doors (${fields.map((f) => doors.col(f)).join(', ')}) VALUES (${fields
        .map(() => '?')
        .join(', ')}) ON CONFLICT (device_id) DO NOTHING`,
      fields.map((f) => doors.bind(f, d[f])),
    );
  }

  update(deviceId: string, patch: DoorPatch): Promise<boolean> {
    return doors.patch(this.#db, 'deviceId', deviceId, PATCHABLE, patch);
  }

  async bumpGeneration(deviceId: string, at: number): Promise<number> {
    const { rows } = await this.#db.query(
      'UPDATE doors SET token_generation = token_generation + 1, updated_at = ? WHERE device_id = ? RETURNING token_generation',
      [at, deviceId],
    );
    return Number(rows[0]?.token_generation ?? 0);
  }

  async createToken(t: DoorTokenRecord): Promise<void> {
    await tokens.insert(this.#db, t);
  }

  getToken(id: string): Promise<DoorTokenRecord | null> {
    return tokens.getBy(this.#db, { id });
  }

  listValidTokens(deviceId: string, generation: number): Promise<DoorTokenRecord[]> {
    return tokens.listBy(
      this.#db,
      { doorId: deviceId, generation },
      ['createdAt', 'id'],
      'revoked_at IS NULL',
    );
  }

  async revokeToken(id: string, at: number): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      'UPDATE door_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?',
      [at, id],
    );
    return rowCount === 1;
  }
}
