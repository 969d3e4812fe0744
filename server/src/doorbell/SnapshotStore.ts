import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MAX_SNAPSHOT_BYTES } from '@porchlight/protocol';
import { z } from 'zod';
import { PorchlightError } from '../errors.ts';
import { SignedTokens } from '../signedTokens.ts';

export interface SnapshotStoreOptions {
  /** Where encrypted snapshots live (created 0700; files 0600). */
  dir: string;
  secret: string;
  now: () => number;
  /** Lifetime of a signed snapshot URL. Default 15 min (a ring window plus a look at the history). */
  urlTtlMs?: number;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const UrlPayload = z.strictObject({
  c: z.string().regex(ID),
  e: z.number().int().positive(),
});

/**
 * Visitor snapshots: JPEGs checked by magic bytes and size, encrypted at rest with AES-256-GCM
 * under a key derived from the server secret (one file per call, the call id as associated data),
 * served by short-lived signed URLs (`/doorbell/snapshots/<SignedTokens token>`): a push
 * notification or an <img> can fetch them without a bearer header.
 */
export class SnapshotStore {
  readonly #dir: string;
  readonly #key: Buffer;
  readonly #urls: SignedTokens<typeof UrlPayload>;
  readonly #now: () => number;
  readonly #ttl: number;

  constructor(o: SnapshotStoreOptions) {
    this.#dir = o.dir;
    this.#key = Buffer.from(
      hkdfSync('sha256', o.secret, 'porchlight', 'porchlight doorbell snapshots v1', 32),
    );
    this.#urls = new SignedTokens({
      secret: o.secret,
      purpose: 'porchlight doorbell snapshot urls v1',
      schema: UrlPayload,
      invalid: 'invalid or expired snapshot URL',
      now: o.now,
    });
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
    checkId(callId);
    return `/doorbell/snapshots/${this.#urls.mint({ c: callId, e: this.#now() + this.#ttl })}`;
  }

  /** The call id a signed name grants, or null (bad signature, expired, malformed). */
  verify(name: string): string | null {
    return this.#urls.check(name)?.c ?? null;
  }
}

function checkId(id: string): void {
  if (!ID.test(id)) throw new TypeError('invalid call id');
}
