import { describe, expect, it } from 'vitest';
import { InvalidKeyError } from './errors.ts';
import { isValidKey, validateKey, validatePrefix } from './ObjectStorage.ts';

describe('validateKey', () => {
  it.each(['a', 'cam1/run-2/0001.m4s', 'A.b_c-D/e', '..a/b..', '.hidden', 'x'.repeat(512)])(
    'accepts %j',
    (key) => {
      expect(() => validateKey(key)).not.toThrow();
      expect(isValidKey(key)).toBe(true);
    },
  );

  it.each([
    ['', /empty/],
    ['/abs', /empty segment/],
    ['a//b', /empty segment/],
    ['a/', /empty segment/],
    ['../x', /"\.\." segments/],
    ['a/./b', /"\." segments/],
    ['a b', /only A-Z/],
    ['a\\b', /only A-Z/],
    ['ü', /only A-Z/],
    ['a~b', /only A-Z/],
    ['x'.repeat(513), /longer than 512/],
  ])('rejects %j', (key, reason) => {
    expect(() => validateKey(key)).toThrow(InvalidKeyError);
    expect(() => validateKey(key)).toThrow(reason);
    expect(isValidKey(key)).toBe(false);
  });

  it('quotes a bounded excerpt of the key in the message', () => {
    const error = (() => {
      try {
        validateKey(`${'y'.repeat(600)}`);
      } catch (e) {
        return e as InvalidKeyError;
      }
    })();
    expect(error?.key).toHaveLength(600);
    expect(error?.message.length).toBeLessThan(200);
  });
});

describe('validatePrefix', () => {
  it.each(['', 'cam1', 'cam1/', 'cam1/00', '.', '..', 'a/..b'])('accepts %j', (prefix) => {
    expect(() => validatePrefix(prefix)).not.toThrow();
  });

  it.each(['/', '/abs', '../', 'a//', 'a/./', 'a b', 'x'.repeat(513)])('rejects %j', (prefix) => {
    expect(() => validatePrefix(prefix)).toThrow(InvalidKeyError);
  });
});
