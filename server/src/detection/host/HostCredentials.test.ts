import { describe, expect, it } from 'vitest';
import { HostCredentials } from './HostCredentials.ts';

const SECRET = 'x'.repeat(40);

describe('HostCredentials', () => {
  it('a launch code is good once, for its launch, within its time', () => {
    let now = 1_000_000;
    const c = new HostCredentials({ secret: SECRET, now: () => now, codeTtlMs: 60_000 });
    const { id, code } = c.launch();
    const { launchId, token, expiresAt } = c.redeem(code);
    expect(launchId).toBe(id);
    expect(token).toMatch(/^pldh_/);
    expect(expiresAt).toBe(now + 600_000);
    expect(c.verify(token)).toBe(id);
    expect(() => c.redeem(code)).toThrow(/invalid or used/);

    const late = c.launch();
    now += 60_001;
    expect(() => c.redeem(late.code)).toThrow(/invalid or used/);
  });

  it('tokens die with their launch and at their expiry; forged ones never pass', () => {
    let now = 5_000_000;
    const c = new HostCredentials({ secret: SECRET, now: () => now, tokenTtlMs: 1000 });
    const first = c.redeem(c.launch().code).token;
    // A new launch (Chromium restarted) ends the previous launch's tokens.
    const second = c.redeem(c.launch().code).token;
    expect(() => c.verify(first)).toThrow(/ended/);
    expect(() => c.verify(second)).not.toThrow();
    const other = new HostCredentials({ secret: 'y'.repeat(40), now: () => now });
    expect(() => c.verify(`pldh_${other.redeem(other.launch().code).token.slice(5)}`)).toThrow(
      /invalid/,
    );
    now += 1000;
    expect(() => c.verify(second)).toThrow(/invalid/);
    c.end();
    c.end();
    expect(() => c.issue('any')).toThrow(/ended/);
    expect(c.current).toBeNull();
  });
});
