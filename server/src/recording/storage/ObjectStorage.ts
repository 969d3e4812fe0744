/**
 * Object storage of the recording segments: a flat key space of immutable blobs, on the local disk
 * (FileStorage) or an S3-compatible bucket (S3Storage). Keys are validated identically by every
 * backend so that a key accepted by one is accepted by all.
 */
import { InvalidKeyError } from './errors.ts';

export interface StoredObject {
  key: string;
  /** Bytes as stored. */
  size: number;
}

export interface ObjectStorage {
  readonly kind: 'fs' | 's3';
  /** Atomic and durable when it resolves: a reader never sees a partial object, a crash (kill -9) right after resolve does not lose it. */
  put(key: string, data: Buffer): Promise<void>;
  /** Throws ObjectNotFoundError. */
  get(key: string): Promise<Buffer>;
  /** Missing keys are ignored. Batches internally (S3 DeleteObjects max 1000). */
  delete(keys: readonly string[]): Promise<void>;
  /** Every object under the prefix ('' = all), in key order. */
  list(prefix: string): AsyncIterable<StoredObject>;
  /** Removes leftovers of interrupted writes (fs: temp files); returns how many. */
  cleanupPartial(): Promise<number>;
  /** For the disk guard: bytes total/free of the volume, or null when unknown (S3). */
  capacity(): Promise<{ totalBytes: number; freeBytes: number } | null>;
  close(): Promise<void>;
}

export const MAX_KEY_LENGTH = 512;

const SEGMENT = /^[A-Za-z0-9._-]+$/;
const PARTIAL_SEGMENT = /^[A-Za-z0-9._-]*$/;

/**
 * Throws InvalidKeyError unless `key` is segments of `[A-Za-z0-9._-]+` joined by `/`, without `.`
 * or `..` segments, without a leading, trailing or double slash, at most 512 characters. These
 * rules make every key a safe relative path on any file system and a plain S3 key.
 */
export function validateKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw new InvalidKeyError(String(key), 'empty');
  if (key.length > MAX_KEY_LENGTH) {
    throw new InvalidKeyError(key, `longer than ${MAX_KEY_LENGTH} characters`);
  }
  for (const segment of key.split('/')) checkSegment(key, segment);
}

/**
 * Throws InvalidKeyError unless `prefix` is '' or the start of a valid key: complete segments
 * follow the key rules, the last (partial) segment may be empty (`cam1/`) or cut short (`cam1/00`).
 */
export function validatePrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw new InvalidKeyError(String(prefix), 'not a string');
  if (prefix.length > MAX_KEY_LENGTH) {
    throw new InvalidKeyError(prefix, `longer than ${MAX_KEY_LENGTH} characters`);
  }
  const segments = prefix.split('/');
  const last = segments.pop() ?? '';
  for (const segment of segments) checkSegment(prefix, segment);
  if (!PARTIAL_SEGMENT.test(last)) {
    throw new InvalidKeyError(prefix, 'only A-Z a-z 0-9 . _ - and / are allowed');
  }
}

/** Whether `key` passes validateKey; listings skip foreign objects that do not. */
export function isValidKey(key: string): boolean {
  try {
    validateKey(key);
    return true;
  } catch {
    return false;
  }
}

function checkSegment(key: string, segment: string): void {
  if (segment === '')
    throw new InvalidKeyError(key, 'empty segment (leading, trailing or double /)');
  if (segment === '.' || segment === '..') {
    throw new InvalidKeyError(key, `"${segment}" segments are not allowed`);
  }
  if (!SEGMENT.test(segment)) {
    throw new InvalidKeyError(key, 'only A-Z a-z 0-9 . _ - and / are allowed');
  }
}
