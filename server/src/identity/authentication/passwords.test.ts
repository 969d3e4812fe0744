import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import { PasswordHasher } from './passwords.ts';

const hasher = new PasswordHasher();
const good = 'correct horse battery staple';

describe('PasswordHasher', () => {
  it('encodes scrypt$N$r$p$salt$hash with the default parameters', async () => {
    const encoded = await hasher.hash(good);
    const [alg, N, r, p, salt, hash] = encoded.split('$');
    expect([alg, N, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash!, 'base64')).toHaveLength(32);
    expect(encoded).not.toContain(good);
  });

  it('salts: the same password hashes differently each time', async () => {
    expect(await hasher.hash(good)).not.toBe(await hasher.hash(good));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const encoded = await hasher.hash(good);
    expect(await hasher.verify(good, encoded)).toBe(true);
    expect(await hasher.verify(good + '!', encoded)).toBe(false);
    expect(await hasher.verify('', encoded)).toBe(false);
  });

  it('treats composed and decomposed accents as the same password', async () => {
    const encoded = await hasher.hash('caf\u00e9 au lait!');
    expect(await hasher.verify('cafe\u0301 au lait!', encoded)).toBe(true);
  });

  it('refuses passwords shorter than 10 or longer than 256 characters, clearly', async () => {
    const short = hasher.hash('123456789');
    await expect(short).rejects.toBeInstanceOf(PorchlightError);
    await expect(short).rejects.toMatchObject({
      code: ErrorCode.BadRequest,
      message: 'password must be at least 10 characters',
    });
    await expect(hasher.hash('x'.repeat(257))).rejects.toMatchObject({
      code: ErrorCode.BadRequest,
      message: 'password must be at most 256 characters',
    });
    expect(await hasher.hash('1234567890')).toMatch(/^scrypt\$/);
    expect(await hasher.hash('x'.repeat(256))).toMatch(/^scrypt\$/);
  });

  it('counts characters, not UTF-16 units', () => {
    // 10 emoji are 20 UTF-16 units but 10 characters; 256 emoji are 512 units.
    expect(() => PasswordHasher.assertAcceptable('\u{1F600}'.repeat(10))).not.toThrow();
    expect(() => PasswordHasher.assertAcceptable('\u{1F600}'.repeat(256))).not.toThrow();
    expect(() => PasswordHasher.assertAcceptable('\u{1F600}'.repeat(257))).toThrow(/at most/);
    expect(() => PasswordHasher.assertAcceptable('\u{1F600}'.repeat(9))).toThrow(/at least/);
  });

  it('refuses an over-long password at verify without hashing it', async () => {
    const encoded = await hasher.hash(good);
    expect(await hasher.verify('x'.repeat(1_000_000), encoded)).toBe(false);
  });

  it('reports needsRehash when the parameters differ', async () => {
    const encoded = await hasher.hash(good);
    expect(hasher.needsRehash(encoded)).toBe(false);
    expect(new PasswordHasher({ N: 2 ** 16 }).needsRehash(encoded)).toBe(true);
    expect(new PasswordHasher({ r: 16 }).needsRehash(encoded)).toBe(true);
    expect(new PasswordHasher({ p: 2 }).needsRehash(encoded)).toBe(true);
    expect(new PasswordHasher({ saltBytes: 32 }).needsRehash(encoded)).toBe(true);
    expect(hasher.needsRehash('not a hash')).toBe(true);
  });

  it('still verifies hashes made with older parameters', async () => {
    const old = await new PasswordHasher({ N: 2 ** 10 }).hash(good);
    expect(hasher.needsRehash(old)).toBe(true);
    expect(await hasher.verify(good, old)).toBe(true);
    expect(await hasher.verify('wrong password', old)).toBe(false);
  });

  it('throws on a malformed or dangerous stored hash instead of trusting it', async () => {
    await expect(hasher.verify(good, 'plain-text-password')).rejects.toThrow(/malformed/);
    const salt = Buffer.alloc(16).toString('base64');
    const hash = Buffer.alloc(32).toString('base64');
    // N = 2^30 would ask for 1 TiB of memory.
    await expect(hasher.verify(good, `scrypt$1073741824$8$1$${salt}$${hash}`)).rejects.toThrow(
      /malformed/,
    );
    await expect(hasher.verify(good, `scrypt$1000$8$1$${salt}$${hash}`)).rejects.toThrow(
      /malformed/,
    );
  });

  it('rejects unsafe constructor parameters', () => {
    expect(() => new PasswordHasher({ N: 1000 })).toThrow();
    expect(() => new PasswordHasher({ saltBytes: 4 })).toThrow();
  });
});
