import { randomBytes } from 'node:crypto';

/**
 * One-time provisioning codes, typed by a person into a device (or read from its QR code):
 * 10 characters from a 32-symbol alphabet without look-alikes (no 0/O, 1/I), 50 bits of entropy,
 * shown as `ABCDE-FGHIJ`. Enough against online guessing for a code that lives minutes and is
 * single-use (rate limiting of the redeem endpoint is the HTTP layer's job).
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const CODE_LENGTH = 10;

/** A fresh code in its display form, `ABCDE-FGHIJ`. */
export function generateCode(): string {
  // 32 symbols = 5 bits: masking a byte keeps the distribution uniform.
  const chars = [...randomBytes(CODE_LENGTH)].map((b) => CODE_ALPHABET[b & 31]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/**
 * The canonical form (upper case, no dashes or spaces) that gets hashed, or null when the input
 * cannot be a code.
 */
export function normalizeCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 64) return null;
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  if (code.length !== CODE_LENGTH) return null;
  for (const c of code) if (!CODE_ALPHABET.includes(c)) return null;
  return code;
}
