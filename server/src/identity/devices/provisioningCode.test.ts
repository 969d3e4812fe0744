import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, generateCode, normalizeCode } from './provisioningCode.ts';

describe('provisioning codes', () => {
  it('are 10 unambiguous characters grouped ABCDE-FGHIJ', () => {
    expect(CODE_ALPHABET).toHaveLength(32);
    for (const c of '01OI') expect(CODE_ALPHABET).not.toContain(c);
    const codes = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const code = generateCode();
      expect(code).toMatch(/^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$/);
      codes.add(code);
    }
    expect(codes.size).toBe(200);
  });

  it('normalize ignores case, dashes and spaces', () => {
    expect(normalizeCode('abcde-fghjk')).toBe('ABCDEFGHJK');
    expect(normalizeCode(' AbCdE fGhJk ')).toBe('ABCDEFGHJK');
    expect(normalizeCode('AB-CD-EF-GH-JK')).toBe('ABCDEFGHJK');
  });

  it('normalize refuses what cannot be a code', () => {
    expect(normalizeCode('ABCDE-FGHJ')).toBeNull();
    expect(normalizeCode('ABCDE-FGHJKL')).toBeNull();
    expect(normalizeCode('ABCDE-FGHI0')).toBeNull();
    expect(normalizeCode('ABCDE_FGHJK')).toBeNull();
    expect(normalizeCode(42)).toBeNull();
    expect(normalizeCode('A'.repeat(100))).toBeNull();
  });
});
