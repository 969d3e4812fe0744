import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SignedTokens } from './signedTokens.ts';

const SECRET = 's'.repeat(43);
const Payload = z.strictObject({ id: z.string().max(8), e: z.number().int().positive() });

function tokens(purpose = 'test-v1', now = () => 1_000): SignedTokens<typeof Payload> {
  return new SignedTokens({ secret: SECRET, purpose, schema: Payload, invalid: 'bad token', now });
}

describe('SignedTokens', () => {
  it('round-trips a typed payload until its expiry', () => {
    let now = 1_000;
    const t = tokens('test-v1', () => now);
    const token = t.mint({ id: 'a1', e: 2_000 });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(t.verify(token)).toStrictEqual({ id: 'a1', e: 2_000 });
    now = 2_000;
    expect(t.check(token)).toBeNull();
    expect(() => t.verify(token)).toThrow('bad token');
  });

  it('a token of one purpose or secret never verifies as another', () => {
    const token = tokens('one-v1').mint({ id: 'a1', e: 5_000 });
    expect(tokens('two-v1').check(token)).toBeNull();
    const other = new SignedTokens({
      secret: 'o'.repeat(43),
      purpose: 'one-v1',
      schema: Payload,
      invalid: 'bad token',
      now: () => 1_000,
    });
    expect(other.check(token)).toBeNull();
  });

  it('refuses tampering, payloads off the schema and junk', () => {
    const t = tokens();
    const [body, mac] = t.mint({ id: 'a1', e: 5_000 }).split('.');
    const forged = Buffer.from(
      Buffer.from(body!, 'base64url').toString().replace('a1', 'a2'),
    ).toString('base64url');
    expect(t.check(`${forged}.${mac}`)).toBeNull();
    // Signed correctly but not the schema's shape (an extra key): refused.
    const loose = new SignedTokens({
      secret: SECRET,
      purpose: 'test-v1',
      schema: z.object({ e: z.number() }),
      invalid: 'x',
    });
    expect(t.check(loose.mint({ e: 5_000, x: 1 } as { e: number }))).toBeNull();
    for (const junk of ['', '.', 'a.b.c', 'x'.repeat(2000), `${body}.`, `.${mac}`])
      expect(t.check(junk), junk.slice(0, 20)).toBeNull();
  });

  it('a clock step back does not stretch a token: one minted "in the future" is refused', () => {
    let now = 10 * 3_600_000;
    const t = tokens('test-v1', () => now);
    const token = t.mint({ id: 'a1', e: now + 3_600_000 });
    // Back by an hour: by `e` alone it would live two more hours; it was minted after "now".
    now -= 3_600_000;
    expect(t.check(token)).toBeNull();
    // A small step (NTP, nodes a little apart) is tolerated.
    now += 3_600_000 - 30_000;
    expect(t.verify(token)).toStrictEqual({ id: 'a1', e: 10 * 3_600_000 + 3_600_000 });
    // The mint time is signed: it cannot be dropped or changed, and a payload may not claim it.
    const [body, mac] = token.split('.');
    const json = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const { n: _dropped, ...rest } = json;
    const stripped = Buffer.from(JSON.stringify(rest)).toString('base64url');
    expect(t.check(`${stripped}.${mac}`)).toBeNull();
    expect(() => t.mint({ id: 'a1', e: 1, n: 5 } as { id: string; e: number })).toThrow(/key n/);
    // A token from before mint times existed (no `n`) is judged by its expiry alone.
    const key = Buffer.from(hkdfSync('sha256', SECRET, 'porchlight', 'test-v1', 32));
    const legacy = Buffer.from(JSON.stringify({ id: 'a1', e: now + 1_000 })).toString('base64url');
    const legacyMac = createHmac('sha256', key).update(legacy).digest('base64url');
    expect(t.check(`${legacy}.${legacyMac}`)).toStrictEqual({ id: 'a1', e: now + 1_000 });
  });
});
