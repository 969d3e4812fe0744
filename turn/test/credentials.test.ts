import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  iceServersFor,
  mintTurnCredentials,
  sanitizeUserId,
  userIdFromUsername,
} from '../src/credentials.ts';
import { TurnCredentialsError } from '../src/errors.ts';

const SECRET = 'c'.repeat(48);

describe('mintTurnCredentials', () => {
  it('follows the TURN REST scheme: "<expiry>:<userId>", base64(HMAC-SHA1(secret, username))', () => {
    const now = Date.UTC(2030, 0, 1, 0, 0, 0, 999);
    const c = mintTurnCredentials({ secret: SECRET, userId: 'cam-42', ttlSeconds: 3600, now });
    const expiry = Math.floor(now / 1000) + 3600;
    expect(c.username).toBe(`${expiry}:cam-42`);
    expect(c.credential).toBe(
      crypto.createHmac('sha1', SECRET).update(c.username).digest('base64'),
    );
    expect(c.expiresAt.getTime()).toBe(expiry * 1000);
    // Same inputs, same output: coturn recomputes exactly this.
    expect(
      mintTurnCredentials({ secret: SECRET, userId: 'cam-42', ttlSeconds: 3600, now }),
    ).toEqual(c);
  });

  it('sanitizes the userId: no ":" (the separator), no whitespace/control chars, bounded length', () => {
    expect(sanitizeUserId('a:b:c')).toBe('a_b_c');
    expect(sanitizeUserId('x y\n\tz')).toBe('x_y__z');
    expect(sanitizeUserId('é')).toBe('_');
    expect(sanitizeUserId('u'.repeat(500))).toHaveLength(128);
    const c = mintTurnCredentials({ secret: SECRET, userId: 'evil:1:2', now: 0 });
    expect(c.username.split(':')).toHaveLength(2);
    expect(userIdFromUsername(c.username)).toBe('evil_1_2');
  });

  it('an empty userId yields a timestamp-only username (valid for coturn)', () => {
    const c = mintTurnCredentials({ secret: SECRET, userId: '', ttlSeconds: 10, now: 1_000_000 });
    expect(c.username).toBe('1010');
    expect(userIdFromUsername(c.username)).toBe('');
  });

  it('defaults the TTL to one day and rejects bad input', () => {
    const now = 1_700_000_000_000;
    expect(mintTurnCredentials({ secret: SECRET, userId: 'u', now }).expiresAt.getTime()).toBe(
      now + 86_400_000,
    );
    expect(() => mintTurnCredentials({ secret: SECRET, userId: 'u', ttlSeconds: 0 })).toThrow(
      TurnCredentialsError,
    );
    expect(() => mintTurnCredentials({ secret: '', userId: 'u' })).toThrow(TurnCredentialsError);
  });
});

describe('iceServersFor', () => {
  const credentials = mintTurnCredentials({ secret: SECRET, userId: 'viewer', now: 0 });

  it('STUN plus TURN over UDP and TCP; TURNS only with tls', () => {
    expect(iceServersFor({ host: 'turn.example.com', credentials })).toEqual([
      { urls: 'stun:turn.example.com:3478' },
      {
        urls: [
          'turn:turn.example.com:3478?transport=udp',
          'turn:turn.example.com:3478?transport=tcp',
        ],
        username: credentials.username,
        credential: credentials.credential,
      },
    ]);
    const tls = iceServersFor({
      host: 'turn.example.com',
      credentials,
      tls: true,
      port: 3479,
      tlsPort: 443,
    });
    expect(tls[0]).toEqual({ urls: 'stun:turn.example.com:3479' });
    expect(tls[1]?.urls).toEqual([
      'turn:turn.example.com:3479?transport=udp',
      'turn:turn.example.com:3479?transport=tcp',
      'turns:turn.example.com:443?transport=tcp',
    ]);
  });

  it('brackets IPv6 hosts and rejects URL-breaking ones', () => {
    expect(iceServersFor({ host: '2001:db8::1', credentials })[0]).toEqual({
      urls: 'stun:[2001:db8::1]:3478',
    });
    expect(() => iceServersFor({ host: 'a b', credentials })).toThrow(TurnCredentialsError);
    expect(() => iceServersFor({ host: 'x/y', credentials })).toThrow(TurnCredentialsError);
  });
});
