import { hkdfSync } from 'node:crypto';

/**
 * Signing keys of the doorbell's tokens, derived from the server secret with their own labels: a
 * door token can never pass as a visitor credential or an access token, nor the reverse.
 */
export function deriveDoorbellKey(
  secret: string,
  use: 'door tokens' | 'visitor credentials',
): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'porchlight', `porchlight ${use} v1`, 32));
}

export const ISSUER = 'porchlight';
export const AUDIENCE = 'porchlight';
