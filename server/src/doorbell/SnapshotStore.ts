import { MAX_SNAPSHOT_BYTES } from '@porchlight/protocol';
import { SealedJpegs, type SharedObjects } from '../SealedJpegs.ts';

export interface SnapshotStoreOptions {
  /** Where encrypted snapshots live (created 0700; files 0600). */
  dir: string;
  secret: string;
  now: () => number;
  /** Lifetime of a signed snapshot URL. Default 15 min (a ring window plus a look at the history). */
  urlTtlMs?: number;
  /**
   * Cluster mode: the shared recording storage, so a snapshot URL works on every node (objects
   * under SNAPSHOT_PREFIX, sealed as on disk). Absent: files in `dir` (single box).
   */
  shared?: SharedObjects;
}

/** Key prefix of snapshots in the shared storage (recording repair leaves `_`-prefixed keys alone). */
export const SNAPSHOT_PREFIX = '_doorbell/snapshots/';

/**
 * Visitor snapshots, one per call: JPEGs checked by magic bytes and size, encrypted at rest and
 * served by short-lived signed URLs (`/doorbell/snapshots/<token>`), see {@link SealedJpegs}.
 */
export class SnapshotStore extends SealedJpegs {
  constructor(o: SnapshotStoreOptions) {
    super({
      dir: o.dir,
      secret: o.secret,
      keyPurpose: 'porchlight doorbell snapshots v1',
      urlPurpose: 'porchlight doorbell snapshot urls v1',
      urlPrefix: '/doorbell/snapshots/',
      now: o.now,
      urlTtlMs: o.urlTtlMs ?? 15 * 60_000,
      idName: 'call',
      ...(o.shared ? { objects: { storage: o.shared, prefix: SNAPSHOT_PREFIX } } : {}),
    });
  }

  /** BAD_REQUEST unless `base64` decodes to a JPEG of at most MAX_SNAPSHOT_BYTES. */
  static decodeJpeg(base64: string): Buffer {
    return SealedJpegs.check(Buffer.from(base64, 'base64'), MAX_SNAPSHOT_BYTES);
  }
}
