import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PorchlightError } from './errors.ts';
import { SignedTokens } from './signedTokens.ts';

export interface SealedJpegsOptions {
  /** Where the files live (created 0700; files 0600). */
  dir: string;
  secret: string;
  /** HKDF label of the encryption key. */
  keyPurpose: string;
  /** HKDF label of the URL signing key (SignedTokens). */
  urlPurpose: string;
  /** Path the signed names are served under, e.g. `/doorbell/snapshots/`. */
  urlPrefix: string;
  now: () => number;
  /** Lifetime of a signed URL. */
  urlTtlMs: number;
  /** What an id names, for errors ("call", "event"). */
  idName: string;
  /**
   * Shared object storage instead of `dir` (cluster mode: every node reads what any node wrote).
   * Objects are `<prefix><id>.jpg.enc`, sealed the same way.
   */
  objects?: { storage: SharedObjects; prefix: string };
}

/** The part of the recording ObjectStorage used here (structural: no import of recording). */
export interface SharedObjects {
  put(key: string, data: Buffer): Promise<void>;
  /** Throws an error named ObjectNotFoundError when missing. */
  get(key: string): Promise<Buffer>;
  delete(keys: readonly string[]): Promise<void>;
  list(prefix: string): AsyncIterable<{ key: string }>;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const REF = /^([A-Za-z0-9_-]{1,64})\.jpg\.enc$/;
const UrlPayload = z.strictObject({
  c: z.string().regex(ID),
  e: z.number().int().positive(),
});

/**
 * JPEGs kept encrypted at rest, one file per id (visitor snapshots, detection snapshots):
 * AES-256-GCM under a key derived from the server secret, the id as associated data (a file moved
 * to another id does not decrypt), written by rename (a reader never sees half a file), and served
 * by short-lived signed URLs that an <img> or a push notification fetches without a bearer header.
 */
export class SealedJpegs {
  readonly #o: SealedJpegsOptions;
  readonly #key: Buffer;
  readonly #urls: SignedTokens<typeof UrlPayload>;

  constructor(o: SealedJpegsOptions) {
    this.#o = o;
    this.#key = Buffer.from(hkdfSync('sha256', o.secret, 'porchlight', o.keyPurpose, 32));
    this.#urls = new SignedTokens({
      secret: o.secret,
      purpose: o.urlPurpose,
      schema: UrlPayload,
      invalid: 'invalid or expired snapshot URL',
      now: o.now,
    });
  }

  /** BAD_REQUEST unless `jpeg` is a whole JPEG (SOI ... EOI) of at most `maxBytes`. */
  static check(jpeg: Uint8Array, maxBytes: number): Buffer {
    const buf = Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
    if (buf.length > maxBytes)
      throw PorchlightError.badRequest(`snapshot too large: ${buf.length} bytes (max ${maxBytes})`);
    const soi = buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
    const eoi = buf.length >= 4 && buf[buf.length - 2] === 0xff && buf[buf.length - 1] === 0xd9;
    if (!soi || !eoi) throw PorchlightError.badRequest('snapshot is not a JPEG');
    return buf;
  }

  /** Stores (or replaces) the id's JPEG; returns its storage reference. */
  async put(id: string, jpeg: Buffer): Promise<string> {
    this.#checkId(id);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(id));
    const sealed = Buffer.concat([nonce, cipher.update(jpeg), cipher.final(), cipher.getAuthTag()]);
    const ref = `${id}.jpg.enc`;
    const objects = this.#o.objects;
    if (objects) {
      await objects.storage.put(`${objects.prefix}${ref}`, sealed);
      return ref;
    }
    await fs.promises.mkdir(this.#o.dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(this.#o.dir, `${ref}.${randomBytes(4).toString('hex')}.tmp`);
    await fs.promises.writeFile(tmp, sealed, { mode: 0o600 });
    await fs.promises.rename(tmp, path.join(this.#o.dir, ref));
    return ref;
  }

  /** The id's JPEG, or null when none is stored. */
  async get(id: string): Promise<Buffer | null> {
    this.#checkId(id);
    const sealed = await this.#read(`${id}.jpg.enc`);
    if (sealed === null) return null;
    const decipher = createDecipheriv('aes-256-gcm', this.#key, sealed.subarray(0, 12));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([
      decipher.update(sealed.subarray(12, sealed.length - 16)),
      decipher.final(),
    ]);
  }

  /** Deletes a stored reference; anything that is not one is ignored. */
  async delete(ref: string): Promise<void> {
    if (!REF.test(ref)) return;
    const objects = this.#o.objects;
    if (objects) return objects.storage.delete([`${objects.prefix}${ref}`]);
    await fs.promises.rm(path.join(this.#o.dir, ref), { force: true });
  }

  /** Ids that have a stored JPEG. */
  async storedIds(): Promise<string[]> {
    let names: string[] = [];
    const objects = this.#o.objects;
    if (objects) {
      for await (const o of objects.storage.list(objects.prefix))
        names.push(o.key.slice(objects.prefix.length));
    } else {
      try {
        names = await fs.promises.readdir(this.#o.dir);
      } catch {
        return [];
      }
    }
    return names.flatMap((n) => {
      const m = REF.exec(n);
      return m ? [m[1]!] : [];
    });
  }

  /** The signed path of the id's JPEG (append to the public origin). */
  signedPath(id: string): string {
    this.#checkId(id);
    const token = this.#urls.mint({ c: id, e: this.#o.now() + this.#o.urlTtlMs });
    return `${this.#o.urlPrefix}${token}`;
  }

  /** The id a signed name grants, or null (bad signature, expired, malformed). */
  verify(name: string): string | null {
    return this.#urls.check(name)?.c ?? null;
  }

  async #read(ref: string): Promise<Buffer | null> {
    const objects = this.#o.objects;
    try {
      if (objects) return await objects.storage.get(`${objects.prefix}${ref}`);
      return await fs.promises.readFile(path.join(this.#o.dir, ref));
    } catch (error) {
      // A storage outage is an error, not a missing snapshot.
      if (objects && (error as Error).name !== 'ObjectNotFoundError') throw error;
      return null;
    }
  }

  #checkId(id: string): void {
    if (!ID.test(id)) throw new TypeError(`invalid ${this.#o.idName} id`);
  }
}
