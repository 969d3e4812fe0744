import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { envelopeKeyId, envelopeOverhead, openObject, sealObject } from './envelope.ts';
import { DecryptionError, KeyUnavailableError } from './errors.ts';

const dataKey = { id: 'dk_test', key: randomBytes(32) };
const strict = (id: string): Buffer => {
  if (id !== dataKey.id) throw new KeyUnavailableError(id);
  return dataKey.key;
};
/** Resolves any id, so header tampering is caught by authentication, not by the lookup. */
const anyId = (): Buffer => dataKey.key;
const aad = 'streams/dev_1/segments/000042.m4s';

describe('envelope', () => {
  it('never stores a marker of the plaintext in the sealed bytes', () => {
    const marker = 'PORCHLIGHT-PLAINTEXT-MARKER-7f3a';
    const plain = Buffer.from(`moof....${marker}....mdat ${marker.repeat(50)}`);
    const sealed = sealObject(plain, dataKey, aad);
    expect(sealed.includes(marker)).toBe(false);
    expect(sealed.includes(marker.slice(0, 12))).toBe(false);
    expect(sealed.includes(dataKey.key)).toBe(false);
  });

  it('round-trips, with the documented layout and overhead', async () => {
    for (const size of [0, 1, 15, 16, 17, 100_000]) {
      const plain = randomBytes(size);
      const sealed = sealObject(plain, dataKey, aad);
      expect(sealed.length).toBe(size + envelopeOverhead(dataKey.id));
      expect(sealed.subarray(0, 4).toString()).toBe('PLE1');
      expect(sealed[4]).toBe(1);
      expect(sealed[5]).toBe(dataKey.id.length);
      expect(envelopeKeyId(sealed)).toBe('dk_test');
      expect((await openObject(sealed, strict, aad)).equals(plain)).toBe(true);
    }
    expect(
      await openObject(sealObject(Buffer.from('x'), dataKey, aad), async (id) => strict(id), aad),
    ).toEqual(Buffer.from('x'));
  });

  it('uses a fresh nonce per object', () => {
    const plain = Buffer.from('same');
    expect(sealObject(plain, dataKey, aad).equals(sealObject(plain, dataKey, aad))).toBe(false);
  });

  it('detects tampering of any byte: header, key id, nonce, body, tag', async () => {
    const sealed = sealObject(Buffer.from('a segment of video, sealed'), dataKey, aad);
    for (let i = 0; i < sealed.length; i++) {
      const tampered = Buffer.from(sealed);
      tampered[i]! ^= 0x01;
      await expect(openObject(tampered, anyId, aad), `byte ${i}`).rejects.toBeInstanceOf(
        DecryptionError,
      );
    }
    const keyIdByte = 6;
    const tampered = Buffer.from(sealed);
    tampered[keyIdByte]! ^= 0x01;
    await expect(openObject(tampered, strict, aad)).rejects.toBeInstanceOf(KeyUnavailableError);
  });

  it('rejects truncated objects and bad headers', async () => {
    const sealed = sealObject(Buffer.from('abc'), dataKey, aad);
    for (const bad of [
      Buffer.alloc(0),
      sealed.subarray(0, 5),
      sealed.subarray(0, sealed.length - 4),
      Buffer.concat([Buffer.from('PLE2'), sealed.subarray(4)]),
      Buffer.from([...sealed.subarray(0, 4), 2, ...sealed.subarray(5)]),
      Buffer.from([...sealed.subarray(0, 5), 0, ...sealed.subarray(6)]),
    ]) {
      await expect(openObject(bad, anyId, aad)).rejects.toBeInstanceOf(DecryptionError);
    }
    expect(() => envelopeKeyId(Buffer.from('nope'))).toThrow(DecryptionError);
  });

  it('binds the object to its storage key (aad)', async () => {
    const sealed = sealObject(Buffer.from('init'), dataKey, aad);
    const error = await openObject(sealed, strict, `${aad}.other`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecryptionError);
    expect(error).toMatchObject({ name: 'DecryptionError', code: 'DECRYPT_FAILED' });
    const message = (error as Error).message;
    for (const enc of ['hex', 'base64', 'base64url'] as const) {
      expect(message).not.toContain(dataKey.key.toString(enc).slice(0, 8));
    }
  });

  it('fails cleanly with the wrong key or an unknown key id', async () => {
    const sealed = sealObject(Buffer.from('thumb'), dataKey, aad);
    await expect(openObject(sealed, () => randomBytes(32), aad)).rejects.toBeInstanceOf(
      DecryptionError,
    );
    await expect(openObject(sealed, () => randomBytes(16), aad)).rejects.toBeInstanceOf(
      DecryptionError,
    );
    const error = await openObject(sealed, () => strict('dk_gone'), aad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyUnavailableError);
    expect(error).toMatchObject({ name: 'KeyUnavailableError', code: 'KEY_UNAVAILABLE' });
  });

  it('refuses to seal with a malformed key', () => {
    expect(() => sealObject(Buffer.from('x'), { id: 'k', key: randomBytes(16) }, aad)).toThrow();
    expect(() => sealObject(Buffer.from('x'), { id: '', key: randomBytes(32) }, aad)).toThrow();
  });
});
