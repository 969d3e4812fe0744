import type { SqlExecutor } from '../executor/SqlExecutor.ts';
import { bool, column, int, literal, nullable, Table, text } from '../executor/table.ts';

import type { DeviceKind } from '@porchlight/protocol';

export type { DeviceKind } from '@porchlight/protocol';

export interface Device {
  id: string;
  siteId: string;
  kind: DeviceKind;
  name: string;
  /** SHA-256 of the current device credential; null until provisioned. */
  credentialHash: string | null;
  /** Bumped on every rotation; tokens minted for an older generation are refused. */
  credentialGeneration: number;
  createdAt: number;
  revokedAt: number | null;
  // Registry (last known state).
  online: boolean;
  lastSeenAt: number | null;
  lastAddress: string | null;
  userAgent: string | null;
  firmware: string | null;
  /** Current publish bitrate in bps, as last reported. */
  bitrate: number | null;
}

export type DevicePatch = Partial<
  Pick<Device, 'name' | 'credentialHash' | 'credentialGeneration' | 'revokedAt'>
>;

/** Fields of the device registry a status update may change. */
export type DeviceStatusPatch = Partial<
  Pick<Device, 'online' | 'lastSeenAt' | 'lastAddress' | 'userAgent' | 'firmware' | 'bitrate'>
>;

export interface DeviceRepository {
  create(d: Device): Promise<void>;
  get(id: string): Promise<Device | null>;
  /** Devices of a site, oldest first. */
  list(siteId: string): Promise<Device[]>;
  update(id: string, patch: DevicePatch): Promise<boolean>;
  updateStatus(id: string, patch: DeviceStatusPatch): Promise<boolean>;
  /** Its provisioning codes go with it (ON DELETE CASCADE). */
  delete(id: string): Promise<boolean>;
}

const devices = new Table<Device>('devices', {
  id: column('id', text),
  siteId: column('site_id', text),
  kind: column('kind', literal<DeviceKind>()),
  name: column('name', text),
  credentialHash: column('credential_hash', nullable(text)),
  credentialGeneration: column('credential_generation', int),
  createdAt: column('created_at', int),
  revokedAt: column('revoked_at', nullable(int)),
  online: column('online', bool),
  lastSeenAt: column('last_seen_at', nullable(int)),
  lastAddress: column('last_address', nullable(text)),
  userAgent: column('user_agent', nullable(text)),
  firmware: column('firmware', nullable(text)),
  bitrate: column('bitrate', nullable(int)),
});

const PATCHABLE = ['name', 'credentialHash', 'credentialGeneration', 'revokedAt'] as const;
const STATUS = ['online', 'lastSeenAt', 'lastAddress', 'userAgent', 'firmware', 'bitrate'] as const;

export class SqlDeviceRepository implements DeviceRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async create(d: Device): Promise<void> {
    await devices.insert(this.#db, d);
  }

  get(id: string): Promise<Device | null> {
    return devices.getBy(this.#db, { id });
  }

  list(siteId: string): Promise<Device[]> {
    return devices.listBy(this.#db, { siteId }, ['createdAt', 'id']);
  }

  update(id: string, patch: DevicePatch): Promise<boolean> {
    return devices.patch(this.#db, 'id', id, PATCHABLE, patch);
  }

  updateStatus(id: string, patch: DeviceStatusPatch): Promise<boolean> {
    return devices.patch(this.#db, 'id', id, STATUS, patch);
  }

  async delete(id: string): Promise<boolean> {
    return (await devices.deleteBy(this.#db, 'id', id)) === 1;
  }
}
