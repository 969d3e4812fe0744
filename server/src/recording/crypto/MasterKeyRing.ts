import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { KEY_BYTES, NONCE_BYTES, TAG_BYTES, decrypt, encrypt } from './aesGcm.ts';
import { DecryptionError, KeyUnavailableError, MasterKeyConfigError } from './errors.ts';
import { ensurePrivateDir, tightenMode } from '../../secrets.ts';

export interface MasterKey {
  id: string;
  key: Buffer;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/_-]+={0,2}$/;
const WRAPPED_BYTES = NONCE_BYTES + KEY_BYTES + TAG_BYTES;

/**
 * The master keys (key-encryption keys) that wrap the per-stream data keys, like a cloud KMS.
 * The first key is current and wraps new data keys; older ones stay to unwrap keys not yet
 * re-wrapped. Keys come from `PORCHLIGHT_MASTER_KEYS`-style env or a 0600 key file.
 */
export class MasterKeyRing {
  readonly #keys: readonly MasterKey[];

  constructor(keys: readonly MasterKey[]) {
    if (keys.length === 0) throw new MasterKeyConfigError('no master key given');
    const seen = new Set<string>();
    for (const { id, key } of keys) {
      if (!ID_PATTERN.test(id)) {
        throw new MasterKeyConfigError(
          `master key id ${JSON.stringify(id)} must match ${ID_PATTERN}`,
        );
      }
      if (key.length !== KEY_BYTES) {
        throw new MasterKeyConfigError(
          `master key ${id} is ${key.length} bytes, need ${KEY_BYTES}`,
        );
      }
      if (seen.has(id)) throw new MasterKeyConfigError(`master key id ${id} is given twice`);
      seen.add(id);
    }
    this.#keys = keys.map(({ id, key }) => ({ id, key: Buffer.from(key) }));
  }

  /** From `env` (`id:base64[,id:base64...]`) if set, else from `keyFile`, created if missing. */
  static load(o: { env: string | undefined; keyFile: string }): MasterKeyRing {
    if (o.env !== undefined && o.env.trim() !== '') {
      return new MasterKeyRing(parseEntries(o.env.split(','), 'master keys env entry'));
    }
    return new MasterKeyRing(parseKeyFile(readOrCreateKeyFile(o.keyFile), o.keyFile));
  }

  /** Prepends a new random current key to `keyFile` (created if missing); returns its id. */
  static rotateFile(keyFile: string): string {
    const text = readOrCreateKeyFile(keyFile);
    const keys = parseKeyFile(text, keyFile);
    let id = newKeyId();
    while (keys.some((k) => k.id === id)) id = newKeyId();
    const lines = text.split('\n');
    const firstKey = lines.findIndex((l) => isEntry(l));
    lines.splice(firstKey < 0 ? lines.length : firstKey, 0, keyLine(id));
    writeAtomically(keyFile, lines.join('\n'), { exclusive: false });
    return id;
  }

  get current(): MasterKey {
    return this.#keys[0]!;
  }

  get ids(): string[] {
    return this.#keys.map((k) => k.id);
  }

  get(id: string): MasterKey | undefined {
    return this.#keys.find((k) => k.id === id);
  }

  /** Wraps a data key under the current master key: nonce | ciphertext | tag. */
  wrap(dataKey: Buffer): { masterKeyId: string; wrapped: Buffer } {
    if (dataKey.length !== KEY_BYTES) throw new RangeError(`data key must be ${KEY_BYTES} bytes`);
    const { id, key } = this.current;
    const { nonce, ciphertext, tag } = encrypt(key, dataKey, wrapAad(id));
    return { masterKeyId: id, wrapped: Buffer.concat([nonce, ciphertext, tag]) };
  }

  unwrap(masterKeyId: string, wrapped: Buffer): Buffer {
    const master = this.get(masterKeyId);
    if (!master) throw new KeyUnavailableError(masterKeyId);
    if (wrapped.length !== WRAPPED_BYTES) throw new DecryptionError('wrapped key has wrong length');
    return decrypt(
      master.key,
      wrapped.subarray(0, NONCE_BYTES),
      wrapped.subarray(NONCE_BYTES, NONCE_BYTES + KEY_BYTES),
      wrapped.subarray(NONCE_BYTES + KEY_BYTES),
      wrapAad(masterKeyId),
    );
  }

  /** Key bytes must not end up in logs through console.log or JSON. */
  toJSON(): { ids: string[] } {
    return { ids: this.ids };
  }

  [inspect.custom](): string {
    return `MasterKeyRing { ids: ${this.ids.join(', ')} }`;
  }
}

/** Binds a wrapped key to its master key id, so wrappings cannot be relabelled. */
function wrapAad(masterKeyId: string): Buffer {
  return Buffer.from(`porchlight-dek:${masterKeyId}`, 'utf8');
}

function isEntry(line: string): boolean {
  const t = line.trim();
  return t !== '' && !t.startsWith('#');
}

/** Entry errors name the entry's position, never its text (it holds key bytes). */
function parseEntries(entries: string[], what: string): MasterKey[] {
  return entries.map((raw, i) => {
    const entry = raw.trim();
    const colon = entry.indexOf(':');
    const id = entry.slice(0, Math.max(colon, 0));
    const b64 = entry.slice(colon + 1);
    if (colon < 0 || !ID_PATTERN.test(id)) {
      throw new MasterKeyConfigError(`${what} ${i + 1}: expected id:base64 with id ${ID_PATTERN}`);
    }
    if (!BASE64_PATTERN.test(b64)) {
      throw new MasterKeyConfigError(`${what} ${i + 1} (${id}): key is not base64`);
    }
    const key = Buffer.from(b64, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new MasterKeyConfigError(
        `${what} ${i + 1} (${id}): key is ${key.length} bytes, need ${KEY_BYTES}`,
      );
    }
    return { id, key };
  });
}

function parseKeyFile(text: string, file: string): MasterKey[] {
  const keys = parseEntries(text.split('\n').filter(isEntry), `${file}: key`);
  if (keys.length === 0) throw new MasterKeyConfigError(`${file} holds no master key`);
  return keys;
}

function readOrCreateKeyFile(file: string): string {
  // Losing these keys loses every recording; leaking them opens every recording: owner-only.
  ensurePrivateDir(path.dirname(file));
  tightenMode(file, 'file');
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const text = `# Porchlight master keys (id:base64), first = current. Losing them loses all recordings.\n${keyLine(newKeyId())}\n`;
  // Two processes starting at once must agree on one key: the loser reads the winner's file.
  if (!writeAtomically(file, text, { exclusive: true })) return fs.readFileSync(file, 'utf8');
  return text;
}

function newKeyId(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return `mk-${day}-${randomBytes(4).toString('hex')}`;
}

function keyLine(id: string): string {
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/**
 * Writes via a 0600 temp file in the same 0700 directory, then links (exclusive: fails if the
 * file appeared meanwhile, returning false) or renames it into place.
 */
function writeAtomically(file: string, text: string, o: { exclusive: boolean }): boolean {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    if (!o.exclusive) {
      fs.renameSync(tmp, file);
      return true;
    }
    try {
      fs.linkSync(tmp, file);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
