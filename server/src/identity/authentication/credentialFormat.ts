/**
 * Credentials that name their record: `<prefix>_<id>_<secret>` (API keys `plk_`, device
 * credentials `pld_`). The id lets the server fetch the one record and compare hashes in constant
 * time; the prefix lets secret scanners and humans recognise a leaked Porchlight credential.
 */

/** Record ids are UUIDs (no `_`, so the split is unambiguous even though base64url has `_`). */
const ID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** 32 random bytes as unpadded base64url. */
const SECRET = '[A-Za-z0-9_-]{43}';

export interface ParsedCredential {
  id: string;
  secret: string;
}

export function formatCredential(prefix: string, id: string, secret: string): string {
  return `${prefix}_${id}_${secret}`;
}

/** null when `value` is not exactly `<prefix>_<uuid>_<43 base64url chars>`. */
export function parseCredential(prefix: string, value: unknown): ParsedCredential | null {
  if (typeof value !== 'string' || value.length > 128) return null;
  const match = new RegExp(`^${prefix}_(${ID})_(${SECRET})$`).exec(value);
  if (!match) return null;
  return { id: match[1]!, secret: match[2]! };
}
