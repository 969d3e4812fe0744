import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { formatCredential, parseCredential } from './credentialFormat.ts';
import { randomSecret } from './crypto.ts';

describe('credential format', () => {
  it('round-trips prefix_id_secret even when the secret contains _', () => {
    const id = randomUUID();
    const secret = '_'.repeat(43);
    expect(parseCredential('plk', formatCredential('plk', id, secret))).toEqual({ id, secret });
    const random = randomSecret(32);
    expect(parseCredential('pld', formatCredential('pld', id, random))).toEqual({
      id,
      secret: random,
    });
  });

  it('refuses other prefixes, ids and lengths', () => {
    const id = randomUUID();
    const secret = randomSecret(32);
    expect(parseCredential('plk', formatCredential('pld', id, secret))).toBeNull();
    expect(parseCredential('plk', `plk_not-a-uuid_${secret}`)).toBeNull();
    expect(parseCredential('plk', `plk_${id}_${secret}x`)).toBeNull();
    expect(parseCredential('plk', `plk_${id}_${secret.slice(1)}`)).toBeNull();
    expect(parseCredential('plk', undefined)).toBeNull();
  });
});
