import { randomBytes } from 'node:crypto';
import { KEY_BYTES } from './aesGcm.ts';
import { KeyUnavailableError } from './errors.ts';
import type { MasterKeyRing } from './MasterKeyRing.ts';

/** A data key as stored: only ever wrapped under a master key. */
export interface DataKeyRecord {
  id: string;
  deviceId: string;
  masterKeyId: string;
  wrapped: Buffer;
  createdAt: number;
  retiredAt: number | null;
}

export interface DataKeyRepository {
  insertDataKey(r: DataKeyRecord): Promise<void>;
  getDataKey(id: string): Promise<DataKeyRecord | null>;
  listDataKeys(): Promise<DataKeyRecord[]>;
  /** The newest non-retired key of a stream. */
  activeDataKey(deviceId: string): Promise<DataKeyRecord | null>;
  updateDataKeyWrap(id: string, masterKeyId: string, wrapped: Buffer): Promise<void>;
  retireDataKey(id: string, at: number): Promise<void>;
}

/** An unwrapped data key; never stored or logged. */
export interface DataKey {
  id: string;
  key: Buffer;
}

/**
 * Per-stream data keys (envelope encryption): objects are sealed with a data key, data keys are
 * stored wrapped by the master key ring. Rotating a master key only re-wraps 32-byte keys; the
 * media is never re-encrypted.
 */
export class DataKeys {
  readonly #repo: DataKeyRepository;
  readonly #masterKeys: MasterKeyRing;
  readonly #now: () => number;
  /** Unwrapped keys by id (a data key never changes, only its wrapping). */
  readonly #cache = new Map<string, Promise<Buffer>>();
  /** Per-stream chain so creation and rotation of one stream never interleave. */
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #pendingCurrent = new Map<string, Promise<DataKey>>();

  constructor(o: { repo: DataKeyRepository; masterKeys: MasterKeyRing; now?: () => number }) {
    this.#repo = o.repo;
    this.#masterKeys = o.masterKeys;
    this.#now = o.now ?? Date.now;
  }

  /** The stream's active key, created on first use; concurrent callers share one creation. */
  current(deviceId: string): Promise<DataKey> {
    const pending = this.#pendingCurrent.get(deviceId);
    if (pending) return pending;
    const p = this.#serial(deviceId, async () => {
      const active = await this.#repo.activeDataKey(deviceId);
      if (!active) return this.#create(deviceId);
      return { id: active.id, key: await this.resolve(active.id) };
    }).finally(() => {
      if (this.#pendingCurrent.get(deviceId) === p) this.#pendingCurrent.delete(deviceId);
    });
    this.#pendingCurrent.set(deviceId, p);
    return p;
  }

  /** The unwrapped key of any (also retired) key id. KeyUnavailableError if unknown. */
  resolve(keyId: string): Promise<Buffer> {
    let key = this.#cache.get(keyId);
    if (!key) {
      key = this.#unwrap(keyId);
      this.#cache.set(keyId, key);
      // Failures are not cached: the key may be inserted or its master key configured later.
      const pending = key;
      pending.catch(() => {
        if (this.#cache.get(keyId) === pending) this.#cache.delete(keyId);
      });
    }
    return key;
  }

  /** Retires the stream's active key and creates a new one; returns the new id. */
  rotate(deviceId: string): Promise<string> {
    return this.#serial(deviceId, async () => {
      const active = await this.#repo.activeDataKey(deviceId);
      if (active) await this.#repo.retireDataKey(active.id, this.#now());
      return (await this.#create(deviceId)).id;
    });
  }

  /** Re-wraps every key not under the current master key; returns how many were. */
  async rewrapAll(): Promise<number> {
    const currentId = this.#masterKeys.current.id;
    let count = 0;
    for (const record of await this.#repo.listDataKeys()) {
      if (record.masterKeyId === currentId) continue;
      // A key under a master key this process does not have stays as it is: its recordings
      // answer with a clean "key unavailable" until that master key is configured again.
      if (!this.#masterKeys.get(record.masterKeyId)) continue;
      const key = this.#masterKeys.unwrap(record.masterKeyId, record.wrapped);
      const { masterKeyId, wrapped } = this.#masterKeys.wrap(key);
      await this.#repo.updateDataKeyWrap(record.id, masterKeyId, wrapped);
      count++;
    }
    return count;
  }

  async #create(deviceId: string): Promise<DataKey> {
    const key = randomBytes(KEY_BYTES);
    const id = `dk_${randomBytes(16).toString('base64url')}`;
    const { masterKeyId, wrapped } = this.#masterKeys.wrap(key);
    const record = { id, deviceId, masterKeyId, wrapped, createdAt: this.#now(), retiredAt: null };
    await this.#repo.insertDataKey(record);
    this.#cache.set(id, Promise.resolve(key));
    return { id, key };
  }

  async #unwrap(keyId: string): Promise<Buffer> {
    const record = await this.#repo.getDataKey(keyId);
    if (!record) throw new KeyUnavailableError(keyId);
    return this.#masterKeys.unwrap(record.masterKeyId, record.wrapped);
  }

  #serial<T>(deviceId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(deviceId) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.catch(() => undefined);
    this.#queues.set(deviceId, tail);
    void tail.then(() => {
      if (this.#queues.get(deviceId) === tail) this.#queues.delete(deviceId);
    });
    return result;
  }
}
