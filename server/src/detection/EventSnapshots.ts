import { DETECTION_LIMITS } from '@porchlight/protocol';
import { SealedJpegs } from '../SealedJpegs.ts';

export interface EventSnapshotsOptions {
  /** Where encrypted snapshots live (created 0700; files 0600). */
  dir: string;
  secret: string;
  now: () => number;
  /** Lifetime of a signed snapshot URL. Default 15 min (a look at the list, a push opened late). */
  urlTtlMs?: number;
}

export const EVENT_SNAPSHOT_URL_TTL_MS = 15 * 60_000;

/**
 * Best snapshots of detection events, one per event: JPEGs checked by size and magic bytes,
 * encrypted at rest and served by short-lived signed URLs (`/detection/snapshots/<token>`), see
 * {@link SealedJpegs}.
 */
export class EventSnapshots extends SealedJpegs {
  constructor(o: EventSnapshotsOptions) {
    super({
      dir: o.dir,
      secret: o.secret,
      keyPurpose: 'porchlight detection snapshots v1',
      urlPurpose: 'porchlight detection snapshot urls v1',
      urlPrefix: '/detection/snapshots/',
      now: o.now,
      urlTtlMs: o.urlTtlMs ?? EVENT_SNAPSHOT_URL_TTL_MS,
      idName: 'event',
    });
  }

  /** BAD_REQUEST unless `jpeg` is a whole JPEG (SOI ... EOI) of at most the limit. */
  static checkJpeg(jpeg: Uint8Array): Buffer {
    return SealedJpegs.check(jpeg, DETECTION_LIMITS.snapshotBytes);
  }
}
