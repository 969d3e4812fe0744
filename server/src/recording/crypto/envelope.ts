import { KEY_BYTES, NONCE_BYTES, TAG_BYTES, decrypt, encrypt } from './aesGcm.ts';
import { DecryptionError } from './errors.ts';

/**
 * A stored object: `"PLE1" | version u8 | keyIdLength u8 | keyId | nonce(12) | ciphertext |
 * tag(16)`. The header and the caller's associated data (the object's storage key) are both
 * authenticated, so neither a header byte nor the object's place can be changed undetected.
 */
const MAGIC = Buffer.from('PLE1', 'latin1');
const VERSION = 1;
const FIXED_HEADER = MAGIC.length + 2;

export interface SealingKey {
  id: string;
  key: Buffer;
}

export function envelopeOverhead(keyId: string): number {
  return FIXED_HEADER + Buffer.byteLength(keyId, 'utf8') + NONCE_BYTES + TAG_BYTES;
}

export function sealObject(plain: Buffer, key: SealingKey, aad: string): Buffer {
  if (key.key.length !== KEY_BYTES) throw new RangeError(`key ${key.id} is not ${KEY_BYTES} bytes`);
  const id = Buffer.from(key.id, 'utf8');
  if (id.length === 0 || id.length > 255) throw new RangeError('key id must be 1-255 bytes');
  const prefix = Buffer.concat([MAGIC, Buffer.from([VERSION, id.length]), id]);
  // GCM authenticates its nonce itself; the prefix goes into the associated data.
  const { nonce, ciphertext, tag } = encrypt(key.key, plain, authenticated(prefix, aad));
  return Buffer.concat([prefix, nonce, ciphertext, tag]);
}

/** Reads the key id of a sealed object without decrypting it. */
export function envelopeKeyId(sealed: Buffer): string {
  return parseHeader(sealed).keyId;
}

export async function openObject(
  sealed: Buffer,
  resolveKey: (keyId: string) => Buffer | Promise<Buffer>,
  aad: string,
): Promise<Buffer> {
  const { keyId, prefixLength } = parseHeader(sealed);
  const key = await resolveKey(keyId);
  const nonceEnd = prefixLength + NONCE_BYTES;
  return decrypt(
    key,
    sealed.subarray(prefixLength, nonceEnd),
    sealed.subarray(nonceEnd, sealed.length - TAG_BYTES),
    sealed.subarray(sealed.length - TAG_BYTES),
    authenticated(sealed.subarray(0, prefixLength), aad),
  );
}

function parseHeader(sealed: Buffer): { keyId: string; prefixLength: number } {
  if (sealed.length < FIXED_HEADER || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new DecryptionError('not a sealed object');
  }
  const version = sealed.readUInt8(MAGIC.length);
  if (version !== VERSION) throw new DecryptionError(`unsupported envelope version ${version}`);
  const idLength = sealed.readUInt8(MAGIC.length + 1);
  const prefixLength = FIXED_HEADER + idLength;
  if (idLength === 0 || sealed.length < prefixLength + NONCE_BYTES + TAG_BYTES) {
    throw new DecryptionError('sealed object is truncated');
  }
  return { keyId: sealed.toString('utf8', FIXED_HEADER, prefixLength), prefixLength };
}

/** GCM associated data: the prefix is self-delimiting, so appending the aad is unambiguous. */
function authenticated(prefix: Buffer, aad: string): Buffer {
  return Buffer.concat([prefix, Buffer.from(aad, 'utf8')]);
}
