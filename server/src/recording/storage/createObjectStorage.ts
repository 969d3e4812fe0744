import { FileStorage } from './FileStorage.ts';
import type { ObjectStorage } from './ObjectStorage.ts';
import { S3Storage, type S3StorageOptions } from './S3Storage.ts';

export type ObjectStorageConfig = { kind: 'fs'; dir: string } | ({ kind: 's3' } & S3StorageOptions);

/** The storage backend a config names. Nothing is touched until the first call. */
export function createObjectStorage(c: ObjectStorageConfig): ObjectStorage {
  switch (c.kind) {
    case 'fs':
      return new FileStorage({ dir: c.dir });
    case 's3': {
      const { kind: _kind, ...options } = c;
      return new S3Storage(options);
    }
  }
}
