import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { ErrorCode } from '@porchlight/protocol';
import { AccessTokens, deriveAccessTokenKey } from './AccessTokens.ts';

const secret = 'a'.repeat(16) + 'b'.repeat(16) + 'c'.repeat(8);
const device = { id: 'device-1', siteId: 'site-1', credentialGeneration: 3 };

function setup(start = 1_700_000_000_000) {
  let t = start;
  const tokens = new AccessTokens({ secret, now: () => t });
  return { tokens, advance: (ms: number) => (t += ms), now: () => t };
}

const invalid = { code: ErrorCode.Unauthorized, message: 'token invalid' };
const expired = { code: ErrorCode.Unauthorized, message: 'token expired' };

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A token signed with the real key: only the claim/algorithm checks can stop it. */
async function forge(
  claims: Record<string, unknown>,
  { alg = 'HS256', iss = 'porchlight', aud = 'porchlight', nowMs = Date.now() } = {},
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  const key = deriveAccessTokenKey(secret);
  return new SignJWT(claims)
    .setProtectedHeader({ alg })
    .setSubject('x')
    .setIssuer(iss)
    .setAudience(aud)
    .setIssuedAt(iat)
    .setJti('j')
    .setExpirationTime(iat + 600)
    .sign(alg === 'HS256' ? key : new Uint8Array([...key, ...key]));
}

describe('AccessTokens', () => {
  it('issues and verifies account tokens (10 min by default)', async () => {
    const { tokens, now } = setup();
    const { token, expiresAt } = await tokens.issueAccount('account-1');
    expect(expiresAt).toBe(now() + 600_000);
    const claims = await tokens.verifyAccount(token);
    expect(claims).toMatchObject({ kind: 'account', accountId: 'account-1', expiresAt });
    expect(claims.tokenId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('carries the login session an account token was issued for, when there is one', async () => {
    const { tokens } = setup(Date.now());
    const withSession = await tokens.issueAccount('account-1', 2, 'family-1');
    expect(await tokens.verifyAccount(withSession.token)).toMatchObject({
      generation: 2,
      sessionId: 'family-1',
    });
    const without = await tokens.verifyAccount((await tokens.issueAccount('account-1')).token);
    expect(without).not.toHaveProperty('sessionId');
    // A session id is bounded like the other ids.
    await expect(
      tokens.verifyAccount(await forge({ typ: 'account', sid: 'x'.repeat(129) })),
    ).rejects.toMatchObject(invalid);
  });

  it('issues and verifies device tokens carrying site and credential generation', async () => {
    const { tokens, now } = setup();
    const { token } = await tokens.issueDevice(device);
    expect(await tokens.verifyDevice(token)).toMatchObject({
      kind: 'device',
      deviceId: 'device-1',
      siteId: 'site-1',
      generation: 3,
      expiresAt: now() + 600_000,
    });
  });

  it('never accepts one kind as the other', async () => {
    const { tokens } = setup();
    const account = (await tokens.issueAccount('account-1')).token;
    const dev = (await tokens.issueDevice(device)).token;
    await expect(tokens.verifyDevice(account)).rejects.toMatchObject(invalid);
    await expect(tokens.verifyAccount(dev)).rejects.toMatchObject(invalid);
  });

  it('refuses alg none', async () => {
    const { tokens, now } = setup(Date.now());
    const iat = Math.floor(now() / 1000);
    const payload = {
      typ: 'account',
      sub: 'a',
      iss: 'porchlight',
      aud: 'porchlight',
      iat,
      exp: iat + 600,
      jti: 'j',
    };
    for (const alg of ['none', 'None', 'NONE']) {
      const unsigned = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}.`;
      await expect(tokens.verifyAccount(unsigned)).rejects.toMatchObject(invalid);
    }
  });

  it('refuses other algorithms even with the right key', async () => {
    const { tokens } = setup(Date.now());
    const hs512 = await forge({ typ: 'account' }, { alg: 'HS512' });
    await expect(tokens.verifyAccount(hs512)).rejects.toMatchObject(invalid);
    // Sanity: the same forgery with HS256 passes, so it was the algorithm that failed.
    await expect(tokens.verifyAccount(await forge({ typ: 'account' }))).resolves.toMatchObject({
      accountId: 'x',
    });
  });

  it('refuses a missing or wrong typ, issuer or audience', async () => {
    const { tokens } = setup(Date.now());
    await expect(tokens.verifyAccount(await forge({}))).rejects.toMatchObject(invalid);
    await expect(tokens.verifyAccount(await forge({ typ: 'admin' }))).rejects.toMatchObject(
      invalid,
    );
    await expect(
      tokens.verifyAccount(await forge({ typ: 'account' }, { iss: 'evil' })),
    ).rejects.toMatchObject(invalid);
    await expect(
      tokens.verifyAccount(await forge({ typ: 'account' }, { aud: 'other' })),
    ).rejects.toMatchObject(invalid);
    // A device token must carry its site and generation.
    await expect(tokens.verifyDevice(await forge({ typ: 'device' }))).rejects.toMatchObject(
      invalid,
    );
  });

  it('refuses tokens signed with another key (including the raw secret)', async () => {
    const { tokens } = setup(Date.now());
    const other = new AccessTokens({ secret: 'z'.repeat(40) });
    await expect(tokens.verifyAccount((await other.issueAccount('a')).token)).rejects.toMatchObject(
      invalid,
    );
    const iat = Math.floor(Date.now() / 1000);
    const rawKeyed = await new SignJWT({ typ: 'account' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .setIssuer('porchlight')
      .setAudience('porchlight')
      .setIssuedAt(iat)
      .setJti('j')
      .setExpirationTime(iat + 600)
      .sign(new TextEncoder().encode(secret));
    await expect(tokens.verifyAccount(rawKeyed)).rejects.toMatchObject(invalid);
  });

  it('refuses tampered tokens', async () => {
    const { tokens } = setup();
    const { token } = await tokens.issueAccount('account-1');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const escalated = `${header}.${b64({ ...claims, sub: 'account-2' })}.${signature}`;
    await expect(tokens.verifyAccount(escalated)).rejects.toMatchObject(invalid);
    const flipped = signature.startsWith('A') ? 'B' + signature.slice(1) : 'A' + signature.slice(1);
    await expect(tokens.verifyAccount(`${header}.${payload}.${flipped}`)).rejects.toMatchObject(
      invalid,
    );
    const { token: dev } = await tokens.issueDevice(device);
    const [dh, dp, ds] = dev.split('.') as [string, string, string];
    const devClaims = JSON.parse(Buffer.from(dp, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    await expect(
      tokens.verifyDevice(`${dh}.${b64({ ...devClaims, gen: 4 })}.${ds}`),
    ).rejects.toMatchObject(invalid);
  });

  it('refuses expired tokens, saying so', async () => {
    const { tokens, advance } = setup();
    const { token } = await tokens.issueAccount('account-1');
    const dev = (await tokens.issueDevice(device)).token;
    advance(599_000);
    await expect(tokens.verifyAccount(token)).resolves.toBeDefined();
    advance(2_000);
    await expect(tokens.verifyAccount(token)).rejects.toMatchObject(expired);
    await expect(tokens.verifyDevice(dev)).rejects.toMatchObject(expired);
  });

  it('honours custom lifetimes', async () => {
    let t = 1_700_000_000_000;
    const tokens = new AccessTokens({ secret, now: () => t, accountTtlSeconds: 30 });
    const { token } = await tokens.issueAccount('a');
    t += 31_000;
    await expect(tokens.verifyAccount(token)).rejects.toMatchObject(expired);
  });

  it('refuses oversized, empty and non-string tokens before any crypto', async () => {
    const { tokens } = setup(Date.now());
    const big = await forge({ typ: 'account', pad: 'x'.repeat(4000) });
    expect(big.length).toBeGreaterThan(4096);
    await expect(tokens.verifyAccount(big)).rejects.toMatchObject(invalid);
    await expect(tokens.verifyAccount('')).rejects.toMatchObject(invalid);
    await expect(tokens.verifyAccount(undefined)).rejects.toMatchObject(invalid);
    await expect(tokens.verifyAccount('not.a.jwt')).rejects.toMatchObject(invalid);
  });

  it('requires a strong secret', () => {
    expect(() => new AccessTokens({ secret: 'short' })).toThrow(/32 characters/);
  });
});
