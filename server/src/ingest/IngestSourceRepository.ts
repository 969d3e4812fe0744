import type { IngestKind, IngestTransport } from '@porchlight/protocol';
import type { SqlExecutor } from '../store/executor/SqlExecutor.ts';
import { bool, column, int, literal, nullable, Table, text } from '../store/executor/table.ts';

/** A camera fed from outside (docs/cameras.md): its row in `ingest_sources` (migration 013). */
export interface IngestSource {
  deviceId: string;
  kind: IngestKind;
  /** RTSP: the camera's URL without credentials; null for RTMP. */
  url: string | null;
  /** SecretBox-sealed JSON `{username, password}` (context: the device id); null without. */
  credentials: string | null;
  transport: IngestTransport;
  /** RTMP: SHA-256 (hex) of the stream key; null when none is issued (publishes refused). */
  streamKeyHash: string | null;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export type IngestSourcePatch = Partial<
  Pick<
    IngestSource,
    'url' | 'credentials' | 'transport' | 'streamKeyHash' | 'enabled' | 'updatedAt'
  >
>;

const sources = new Table<IngestSource>('ingest_sources', {
  deviceId: column('device_id', text),
  kind: column('kind', literal<IngestKind>()),
  url: column('url', nullable(text)),
  credentials: column('credentials', nullable(text)),
  transport: column('transport', literal<IngestTransport>()),
  streamKeyHash: column('stream_key_hash', nullable(text)),
  enabled: column('enabled', bool),
  createdAt: column('created_at', int),
  updatedAt: column('updated_at', int),
});

const PATCHABLE = [
  'url',
  'credentials',
  'transport',
  'streamKeyHash',
  'enabled',
  'updatedAt',
] as const;

export class IngestSourceRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async create(s: IngestSource): Promise<void> {
    await sources.insert(this.#db, s);
  }

  get(deviceId: string): Promise<IngestSource | null> {
    return sources.getBy(this.#db, { deviceId });
  }

  /** Every source, oldest first (start-up). */
  all(): Promise<IngestSource[]> {
    return sources.listBy(this.#db, {}, ['createdAt', 'deviceId']);
  }

  /** The sources of a site's devices, oldest first. */
  listOfSite(siteId: string): Promise<IngestSource[]> {
    const cols = sources.columnList
      .split(', ')
      .map((c) => `s.${c}`)
      .join(', ');
    return sources.many(
      this.#db,
      `SELECT ${cols} FROM ingest_sources s JOIN devices d ON d.id = s.device_id ` +
        'WHERE d.site_id = ? ORDER BY s.created_at, s.device_id',
      [siteId],
    );
  }

  update(deviceId: string, patch: IngestSourcePatch): Promise<boolean> {
    return sources.patch(this.#db, 'deviceId', deviceId, PATCHABLE, patch);
  }

  async delete(deviceId: string): Promise<boolean> {
    return (await sources.deleteBy(this.#db, 'deviceId', deviceId)) === 1;
  }
}
