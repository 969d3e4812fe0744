import { describe, expect, it } from 'vitest';
import { ActionTokens } from './ActionTokens.ts';
import { isPrivateEndpoint } from './endpointGuard.ts';
import { labelFromUserAgent } from './userAgent.ts';

const SECRET = 's'.repeat(43);

describe('notification action tokens', () => {
  it('carry one action for one account and call, and die at their expiry', () => {
    let now = 1_000;
    const tokens = new ActionTokens(SECRET, () => now);
    const t = tokens.mint({ action: 'decline', accountId: 'a1', callId: 'c1', expiresAt: 2_000 });
    expect(tokens.verify(t)).toStrictEqual({
      action: 'decline',
      accountId: 'a1',
      callId: 'c1',
      expiresAt: 2_000,
    });
    now = 2_000;
    expect(() => tokens.verify(t)).toThrow(/invalid or expired/);
  });
  it('refuse another key, tampering and junk', () => {
    const t = new ActionTokens(SECRET).mint({
      action: 'decline',
      accountId: 'a1',
      callId: 'c1',
      expiresAt: Date.now() + 60_000,
    });
    const other = new ActionTokens('o'.repeat(43));
    expect(() => other.verify(t)).toThrow();
    const [payload, mac] = t.split('.');
    const forged = Buffer.from(
      Buffer.from(payload!, 'base64url').toString().replace('a1', 'a2'),
    ).toString('base64url');
    expect(() => new ActionTokens(SECRET).verify(`${forged}.${mac}`)).toThrow();
    for (const junk of ['', '.', 'a.b.c', 'x'.repeat(2000)])
      expect(() => new ActionTokens(SECRET).verify(junk)).toThrow();
  });
});

describe('push endpoint guard', () => {
  it('refuses loopback, private and link-local literals and localhost; allows public names', () => {
    for (const host of [
      '127.0.0.1',
      'localhost',
      '10.1.2.3',
      '192.168.1.1',
      '[::1]',
      '[fe80::1]',
      '169.254.169.254',
      '[::ffff:127.0.0.1]',
    ])
      expect(isPrivateEndpoint(`https://${host}/push`), host).toBe(true);
    for (const host of ['fcm.googleapis.com', 'web.push.apple.com', '8.8.8.8'])
      expect(isPrivateEndpoint(`https://${host}/push`), host).toBe(false);
  });
});

describe('device labels', () => {
  it('name the browser and system', () => {
    expect(
      labelFromUserAgent(
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
      ),
    ).toBe('Chrome on Android');
    expect(
      labelFromUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS');
    expect(labelFromUserAgent(undefined)).toBe('Browser');
  });
});
