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
import { DETECTION_LIMITS } from '@porchlight/protocol';
import { PorchlightError } from '../errors.ts';

export interface EventSnapshotsOptions {
  /** Where encrypted snapshots live (created 0700; files 0600). */
  dir: string;
  secret: string;
  now: () => number;
  /** Lifetime of a signed snapshot URL. Default 15 min (a look at the list, a push opened late). */
  urlTtlMs?: number;
}

export const EVENT_SNAPSHOT_URL_TTL_MS = 15 * 60_000;

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Best snapshots of detection events: JPEGs checked by size and magic bytes, encrypted at rest
 * (AES-256-GCM, key derived from the server secret, the event id as associated data), served by
 * short-lived HMAC-signed URLs (`/detection/snapshots/<eventId>.<exp>.<sig>`) that a push
 * notification or an <img> can fetch without a bearer header.
 */
export class EventSnapshots {
  readonly #dir: string;
  readonly #key: Buffer;
  readonly #urlKey: Buffer;
  readonly #now: () => number;
  readonly #ttl: number;

  constructor(o: EventSnapshotsOptions) {
    this.#dir = o.dir;
    const derive = (info: string) =>
      Buffer.from(hkdfSync('sha256', o.secret, 'porchlight', info, 32));
    this.#key = derive('porchlight detection snapshots v1');
    this.#urlKey = derive('porchlight detection snapshot urls v1');
    this.#now = o.now;
    this.#ttl = o.urlTtlMs ?? EVENT_SNAPSHOT_URL_TTL_MS;
  }

  /** BAD_REQUEST unless `jpeg` is a whole JPEG (SOI ... EOI) of at most the limit. */
  static checkJpeg(jpeg: Uint8Array): Buffer {
    const buf = Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
    if (buf.length > DETECTION_LIMITS.snapshotBytes)
      throw PorchlightError.badRequest(
        `snapshot too large: ${buf.length} bytes (max ${DETECTION_LIMITS.snapshotBytes})`,
      );
    const soi = buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
    const eoi = buf.length >= 4 && buf[buf.length - 2] === 0xff && buf[buf.length - 1] === 0xd9;
    if (!soi || !eoi) throw PorchlightError.badRequest('snapshot is not a JPEG');
    return buf;
  }

  /** Stores (or replaces) the event's snapshot; returns its storage name. */
  async put(eventId: string, jpeg: Buffer): Promise<string> {
    checkId(eventId);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(eventId));
    const sealed = Buffer.concat([nonce, cipher.update(jpeg), cipher.final(), cipher.getAuthTag()]);
    await fs.promises.mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const ref = `${eventId}.jpg.enc`;
    // Write then rename: a reader never sees half a file when a snapshot is replaced.
    const tmp = path.join(this.#dir, `${ref}.${randomBytes(4).toString('hex')}.tmp`);
    await fs.promises.writeFile(tmp, sealed, { mode: 0o600 });
    await fs.promises.rename(tmp, path.join(this.#dir, ref));
    return ref;
  }

  async get(eventId: string): Promise<Buffer | null> {
    checkId(eventId);
    let sealed: Buffer;
    try {
      sealed = await fs.promises.readFile(path.join(this.#dir, `${eventId}.jpg.enc`));
    } catch {
      return null;
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#key, sealed.subarray(0, 12));
    decipher.setAAD(Buffer.from(eventId));
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

  /** Event ids that have a stored snapshot. */
  async storedIds(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.promises.readdir(this.#dir);
    } catch {
      return [];
    }
    return names.flatMap((n) => {
      const m = /^([A-Za-z0-9_-]{1,64})\.jpg\.enc$/.exec(n);
      return m ? [m[1]!] : [];
    });
  }

  /** The signed path (append to the public origin). */
  signedPath(eventId: string): string {
    const exp = this.#now() + this.#ttl;
    return `/detection/snapshots/${eventId}.${exp}.${this.#sign(eventId, exp)}`;
  }

  /** The event id a signed name grants, or null (bad signature, expired, malformed). */
  verify(name: string): string | null {
    const m = /^([A-Za-z0-9_-]{1,64})\.(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(name);
    if (!m) return null;
    const [, eventId, expText, sig] = m as unknown as [string, string, string, string];
    const exp = Number(expText);
    const expected = Buffer.from(this.#sign(eventId, exp));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return exp >= this.#now() ? eventId : null;
  }

  #sign(eventId: string, exp: number): string {
    return createHmac('sha256', this.#urlKey).update(`${eventId}.${exp}`).digest('base64url');
  }
}

function checkId(id: string): void {
  if (!ID.test(id)) throw new TypeError('invalid event id');
}
