import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { PorchlightError } from '../../errors.ts';

/** Length limits, in Unicode code points. */
export const PASSWORD_MIN_LENGTH = 10;
/** Long enough for any passphrase; the cap stops megabyte "passwords" reaching scrypt. */
export const PASSWORD_MAX_LENGTH = 256;

export interface ScryptParams {
  /** CPU/memory cost, a power of two. Default 2^15. */
  N: number;
  /** Block size. Default 8. */
  r: number;
  /** Parallelism. Default 1. */
  p: number;
  /** Salt length in bytes. Default 16. */
  saltBytes: number;
  /** Derived key length in bytes. Default 32. */
  keyBytes: number;
}

/** 2^15 / 8 / 1 costs ~32 MiB and tens of ms per hash: OWASP's minimum for scrypt. */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = {
  N: 2 ** 15,
  r: 8,
  p: 1,
  saltBytes: 16,
  keyBytes: 32,
};

/**
 * Stored hashes are parsed from the database; these bounds keep a corrupted or planted hash from
 * asking scrypt for gigabytes of memory.
 */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/**
 * Password hashing with scrypt, encoded `scrypt$N$r$p$saltB64$hashB64` so parameters can be raised
 * later: old hashes still verify and `needsRehash` tells the caller to upgrade them on next login.
 * Always the async scrypt: the sync form would block the event loop for the whole hash.
 */
export class PasswordHasher {
  readonly params: Readonly<ScryptParams>;

  constructor(params: Partial<ScryptParams> = {}) {
    this.params = { ...DEFAULT_SCRYPT_PARAMS, ...params };
    const { N, r, p } = this.params;
    if (!isPowerOfTwo(N) || N < 2 || N > MAX_N) throw new Error(`invalid scrypt N: ${N}`);
    if (!inRange(r, 1, MAX_R) || !inRange(p, 1, MAX_P)) throw new Error('invalid scrypt r/p');
    if (!inRange(this.params.saltBytes, 16, 64) || !inRange(this.params.keyBytes, 16, 64))
      throw new Error('invalid scrypt salt/key length');
  }

  /**
   * Throws BAD_REQUEST (a message the user can act on) when the password breaks the length policy.
   * Callers creating or changing a password may call this before doing anything else.
   */
  static assertAcceptable(password: string): void {
    const length = codePoints(password);
    if (length < PASSWORD_MIN_LENGTH)
      throw PorchlightError.badRequest(
        `password must be at least ${PASSWORD_MIN_LENGTH} characters`,
      );
    if (length > PASSWORD_MAX_LENGTH)
      throw PorchlightError.badRequest(
        `password must be at most ${PASSWORD_MAX_LENGTH} characters`,
      );
  }

  /** Hashes a new password (enforcing the length policy). */
  async hash(password: string): Promise<string> {
    PasswordHasher.assertAcceptable(password);
    const { N, r, p, saltBytes, keyBytes } = this.params;
    const salt = randomBytes(saltBytes);
    const hash = await derive(normalize(password), salt, keyBytes, N, r, p);
    return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
  }

  /**
   * True when `password` matches `encoded`. Only the maximum length is enforced here, so a future
   * raise of the minimum does not lock out existing users. A malformed stored hash throws (a data
   * problem for the operator, not a wrong password).
   */
  async verify(password: string, encoded: string): Promise<boolean> {
    const parsed = parse(encoded);
    if (!parsed) throw new Error('malformed password hash');
    if (typeof password !== 'string' || codePoints(password) > PASSWORD_MAX_LENGTH) return false;
    const actual = await derive(
      normalize(password),
      parsed.salt,
      parsed.hash.length,
      parsed.N,
      parsed.r,
      parsed.p,
    );
    return timingSafeEqual(actual, parsed.hash);
  }

  /** True when `encoded` was made with other parameters than this hasher's (or is malformed). */
  needsRehash(encoded: string): boolean {
    const parsed = parse(encoded);
    if (!parsed) return true;
    const { N, r, p, saltBytes, keyBytes } = this.params;
    return (
      parsed.N !== N ||
      parsed.r !== r ||
      parsed.p !== p ||
      parsed.salt.length !== saltBytes ||
      parsed.hash.length !== keyBytes
    );
  }
}

function derive(
  password: string,
  salt: Buffer,
  keyBytes: number,
  N: number,
  r: number,
  p: number,
): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default maxmem (32 MiB) is exactly that for 2^15/8, which
  // its check rejects, so allow twice the need.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyBytes, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

function parse(encoded: string): ParsedHash | null {
  if (typeof encoded !== 'string') return null;
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const N = toInt(n);
  const R = toInt(r);
  const P = toInt(p);
  if (!isPowerOfTwo(N) || N < 2 || N > MAX_N || !inRange(R, 1, MAX_R) || !inRange(P, 1, MAX_P))
    return null;
  const saltBuf = Buffer.from(salt, 'base64');
  const hashBuf = Buffer.from(hash, 'base64');
  if (saltBuf.length < 16 || hashBuf.length < 16 || hashBuf.length > 64) return null;
  return { N, r: R, p: P, salt: saltBuf, hash: hashBuf };
}

/** NFC so the same password typed on different systems (composed vs decomposed accents) matches. */
function normalize(password: string): string {
  return password.normalize('NFC');
}

/** Length in code points; for strings obviously over the cap, just their UTF-16 length. */
function codePoints(s: string): number {
  // A code point is one or two UTF-16 units, so beyond 2x the cap there is no need to count.
  if (s.length > 2 * PASSWORD_MAX_LENGTH) return s.length;
  return Array.from(s).length;
}

function toInt(s: string): number {
  return /^[0-9]{1,8}$/.test(s) ? Number(s) : NaN;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

function inRange(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}
