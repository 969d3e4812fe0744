import type { DataKeys } from './crypto/DataKeys.ts';
import { openObject, sealObject } from './crypto/envelope.ts';
import type { ObjectStorage } from './storage/ObjectStorage.ts';

export interface SealedWrite {
  keyId: string;
  storedBytes: number;
}

/**
 * Encrypted object storage for recordings: every object is sealed in memory with its stream's
 * current data key (AES-256-GCM, the storage key as associated data so objects cannot be swapped)
 * before it is written, and opened in memory when served. Plaintext never reaches the storage.
 */
export class SegmentVault {
  readonly storage: ObjectStorage;
  readonly #keys: DataKeys;

  constructor(storage: ObjectStorage, keys: DataKeys) {
    this.storage = storage;
    this.#keys = keys;
  }

  static initKey(siteId: string, deviceId: string, runId: string): string {
    return `${siteId}/${deviceId}/${runId}/init.mp4`;
  }

  static segmentKey(siteId: string, deviceId: string, runId: string, seq: number): string {
    return `${siteId}/${deviceId}/${runId}/${String(seq).padStart(10, '0')}.m4s`;
  }

  async put(deviceId: string, storageKey: string, plain: Buffer): Promise<SealedWrite> {
    const key = await this.#keys.current(deviceId);
    const sealed = sealObject(plain, key, storageKey);
    await this.storage.put(storageKey, sealed);
    return { keyId: key.id, storedBytes: sealed.length };
  }

  /** Throws ObjectNotFoundError, KeyUnavailableError or DecryptionError. */
  async get(storageKey: string): Promise<Buffer> {
    const sealed = await this.storage.get(storageKey);
    return openObject(sealed, (id) => this.#keys.resolve(id), storageKey);
  }

  delete(keys: readonly string[]): Promise<void> {
    return this.storage.delete(keys);
  }
}
