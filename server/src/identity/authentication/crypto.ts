import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Primitives shared by the credential services. High-entropy secrets (refresh tokens, API keys,
 * device credentials, provisioning codes) are stored as their SHA-256: a fast hash is enough
 * because they cannot be guessed, unlike passwords (see passwords.ts).
 */

/** Lower-case hex SHA-256 of a UTF-8 string. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** `bytes` random bytes as base64url (no padding): 32 bytes -> 43 characters. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Constant-time comparison of two hex digests. Different lengths are unequal, but a comparison
 * still runs so the time spent does not depend on where the inputs differ.
 */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}
