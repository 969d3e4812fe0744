import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MAX_SNAPSHOT_BYTES } from '@porchlight/protocol';
import { PorchlightError } from '../errors.ts';

export interface SnapshotStoreOptions {
  /** Where encrypted snapshots live (created 0700; files 0600). */
  dir: string;
  secret: string;
  now: () => number;
  /** Lifetime of a signed snapshot URL. Default 15 min (a ring window plus a look at the history). */
  urlTtlMs?: number;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Visitor snapshots: JPEGs checked by magic bytes and size, encrypted at rest with AES-256-GCM
 * under a key derived from the server secret (one file per call, the call id as associated data),
 * served by short-lived HMAC-signed URLs (`/doorbell/snapshots/<callId>.<exp>.<sig>`): a push
 * notification or an <img> can fetch them without a bearer header.
 */
export class SnapshotStore {
  readonly #dir: string;
  readonly #key: Buffer;
  readonly #urlKey: Buffer;
  readonly #now: () => number;
  readonly #ttl: number;

  constructor(o: SnapshotStoreOptions) {
    this.#dir = o.dir;
    this.#key = Buffer.from(
      hkdfSync('sha256', o.secret, 'porchlight', 'porchlight doorbell snapshots v1', 32),
    );
    this.#urlKey = Buffer.from(
      hkdfSync('sha256', o.secret, 'porchlight', 'porchlight doorbell snapshot urls v1', 32),
    );
    this.#now = o.now;
    this.#ttl = o.urlTtlMs ?? 15 * 60_000;
  }

  /** BAD_REQUEST unless `base64` decodes to a JPEG of at most MAX_SNAPSHOT_BYTES. */
  static decodeJpeg(base64: string): Buffer {
    const jpeg = Buffer.from(base64, 'base64');
    if (jpeg.length > MAX_SNAPSHOT_BYTES)
      throw PorchlightError.badRequest(
        `snapshot too large: ${jpeg.length} bytes (max ${MAX_SNAPSHOT_BYTES})`,
      );
    const soi = jpeg.length >= 4 && jpeg[0] === 0xff && jpeg[1] === 0xd8 && jpeg[2] === 0xff;
    const eoi =
      jpeg.length >= 4 && jpeg[jpeg.length - 2] === 0xff && jpeg[jpeg.length - 1] === 0xd9;
    if (!soi || !eoi) throw PorchlightError.badRequest('snapshot is not a JPEG');
    return jpeg;
  }

  /** Stores the call's snapshot; returns its storage reference. */
  async put(callId: string, jpeg: Buffer): Promise<string> {
    checkId(callId);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(callId));
    const sealed = Buffer.concat([nonce, cipher.update(jpeg), cipher.final(), cipher.getAuthTag()]);
    await fs.promises.mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const ref = `${callId}.jpg.enc`;
    await fs.promises.writeFile(path.join(this.#dir, ref), sealed, { mode: 0o600 });
    return ref;
  }

  async get(callId: string): Promise<Buffer | null> {
    checkId(callId);
    let sealed: Buffer;
    try {
      sealed = await fs.promises.readFile(path.join(this.#dir, `${callId}.jpg.enc`));
    } catch {
      return null;
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#key, sealed.subarray(0, 12));
    decipher.setAAD(Buffer.from(callId));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([
      decipher.update(sealed.subarray(12, sealed.length - 16)),
      decipher.final(),
    ]);
  }

  async delete(ref: string): Promise<void> {
    if (!/^[A-Za-z0-9_-]{1,64}\.jpg\.enc$/.test(ref)) return;
    await fs.promises.rm(path.join(this.#dir, ref), { force: true });
  }

  /** The signed path (append to the public origin). */
  signedPath(callId: string): string {
    const exp = this.#now() + this.#ttl;
    return `/doorbell/snapshots/${callId}.${exp}.${this.#sign(callId, exp)}`;
  }

  /** The call id a signed name grants, or null (bad signature, expired, malformed). */
  verify(name: string): string | null {
    const m = /^([A-Za-z0-9_-]{1,64})\.(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(name);
    if (!m) return null;
    const [, callId, expText, sig] = m as unknown as [string, string, string, string];
    const exp = Number(expText);
    const expected = Buffer.from(this.#sign(callId, exp));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return exp >= this.#now() ? callId : null;
  }

  #sign(callId: string, exp: number): string {
    return createHmac('sha256', this.#urlKey).update(`${callId}.${exp}`).digest('base64url');
  }
}

function checkId(id: string): void {
  if (!ID.test(id)) throw new TypeError('invalid call id');
}
