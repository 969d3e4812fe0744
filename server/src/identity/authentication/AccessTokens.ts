import { hkdfSync, randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { PorchlightError } from '../../errors.ts';
import { CLOCK_TOLERANCE_MS } from '../../signedTokens.ts';
import type { Device } from '../../store/types.ts';

/** Tokens are small; anything larger is refused before any crypto. */
export const MAX_ACCESS_TOKEN_LENGTH = 4096;

/**
 * The `typ` claim names the kind so one kind can never be accepted as another (an account token
 * where a device token is expected, or the reverse).
 */
export const TokenKind = { Account: 'account', Device: 'device' } as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

export interface AccessTokensOptions {
  /** Server secret, at least 32 characters. The signing key is derived from it (see below). */
  secret: string;
  /** Unix ms. Default Date.now. */
  now?: () => number;
  /** Lifetime of account access tokens. Default 600 (10 min): short, because refresh exists. */
  accountTtlSeconds?: number;
  /** Lifetime of device tokens. Default 600; a device re-authenticates with its credential. */
  deviceTtlSeconds?: number;
  /** `iss` and `aud`. Default 'porchlight'. */
  issuer?: string;
  audience?: string;
}

export interface IssuedAccessToken {
  token: string;
  /** Unix ms. */
  expiresAt: number;
}

export interface AccountTokenClaims {
  kind: 'account';
  accountId: string;
  /** The account's tokenGeneration at issue; the caller must compare it with the store's. */
  generation: number;
  /**
   * The login session (refresh token family) the token was issued for; the caller checks that
   * it is still live, so signing one session out ends its access tokens at once. Absent on
   * tokens issued without a session (tests, older tokens).
   */
  sessionId?: string;
  tokenId: string;
  /** Unix ms. */
  issuedAt: number;
  expiresAt: number;
}

export interface DeviceTokenClaims {
  kind: 'device';
  deviceId: string;
  siteId: string;
  /** The device's credentialGeneration at issue; the caller must compare it with the store's. */
  generation: number;
  tokenId: string;
  /** Unix ms. */
  issuedAt: number;
  expiresAt: number;
}

const Id = z.string().min(1).max(128);
const Common = {
  sub: Id,
  jti: z.string().min(1).max(64),
  iat: z.number().int(),
  exp: z.number().int(),
};
const AccountClaimsSchema = z.object({
  typ: z.literal(TokenKind.Account),
  ...Common,
  // Optional: tokens minted before generations existed count as generation 0.
  gen: z.number().int().min(0).optional(),
  sid: Id.optional(),
});
const DeviceClaimsSchema = z.object({
  typ: z.literal(TokenKind.Device),
  ...Common,
  site: Id,
  gen: z.number().int().min(0),
});

/**
 * Derives the signing key of these tokens from the server secret (HKDF-SHA256 with a fixed label),
 * so the raw secret is never a signing key and other uses of the secret cannot forge tokens. Exported for tests that forge tokens with the right key.
 */
export function deriveAccessTokenKey(secret: string): Uint8Array {
  return new Uint8Array(
    hkdfSync('sha256', secret, 'porchlight', 'porchlight access tokens v1', 32),
  );
}

/**
 * Short-lived JWTs (HS256 only) for accounts and devices. Verification fixes the algorithm
 * (`alg: none` and every other one are refused), checks issuer, audience, expiry and the `typ`
 * claim, and only ever reports 'token expired' or 'token invalid' to the client.
 */
export class AccessTokens {
  readonly #key: Uint8Array;
  readonly #now: () => number;
  readonly #accountTtl: number;
  readonly #deviceTtl: number;
  readonly #issuer: string;
  readonly #audience: string;

  constructor(o: AccessTokensOptions) {
    if (o.secret.length < 32) throw new Error('access token secret must be at least 32 characters');
    this.#key = deriveAccessTokenKey(o.secret);
    this.#now = o.now ?? Date.now;
    this.#accountTtl = o.accountTtlSeconds ?? 600;
    this.#deviceTtl = o.deviceTtlSeconds ?? 600;
    this.#issuer = o.issuer ?? 'porchlight';
    this.#audience = o.audience ?? 'porchlight';
  }

  /**
   * `generation`: the account's tokenGeneration now; `sessionId`: the login session it belongs
   * to (see Authenticator).
   */
  issueAccount(accountId: string, generation = 0, sessionId?: string): Promise<IssuedAccessToken> {
    const claims = { gen: generation, ...(sessionId !== undefined ? { sid: sessionId } : {}) };
    return this.#sign(TokenKind.Account, accountId, claims, this.#accountTtl);
  }

  issueDevice(
    device: Pick<Device, 'id' | 'siteId' | 'credentialGeneration'>,
  ): Promise<IssuedAccessToken> {
    return this.#sign(
      TokenKind.Device,
      device.id,
      { site: device.siteId, gen: device.credentialGeneration },
      this.#deviceTtl,
    );
  }

  /** Throws UNAUTHORIZED 'token expired' or 'token invalid'. */
  async verifyAccount(token: unknown): Promise<AccountTokenClaims> {
    const c = AccountClaimsSchema.safeParse(await this.#verify(token));
    if (!c.success) throw PorchlightError.unauthorized('token invalid');
    return {
      kind: 'account',
      accountId: c.data.sub,
      generation: c.data.gen ?? 0,
      ...(c.data.sid !== undefined ? { sessionId: c.data.sid } : {}),
      tokenId: c.data.jti,
      issuedAt: c.data.iat * 1000,
      expiresAt: c.data.exp * 1000,
    };
  }

  /** Throws UNAUTHORIZED 'token expired' or 'token invalid'. */
  async verifyDevice(token: unknown): Promise<DeviceTokenClaims> {
    const c = DeviceClaimsSchema.safeParse(await this.#verify(token));
    if (!c.success) throw PorchlightError.unauthorized('token invalid');
    return {
      kind: 'device',
      deviceId: c.data.sub,
      siteId: c.data.site,
      generation: c.data.gen,
      tokenId: c.data.jti,
      issuedAt: c.data.iat * 1000,
      expiresAt: c.data.exp * 1000,
    };
  }

  async #sign(
    kind: TokenKind,
    subject: string,
    claims: Record<string, unknown>,
    ttlSeconds: number,
  ): Promise<IssuedAccessToken> {
    const iat = Math.floor(this.#now() / 1000);
    const exp = iat + ttlSeconds;
    const token = await new SignJWT({ ...claims, typ: kind })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(this.#issuer)
      .setAudience(this.#audience)
      .setIssuedAt(iat)
      .setJti(randomUUID())
      .setExpirationTime(exp)
      .sign(this.#key);
    return { token, expiresAt: exp * 1000 };
  }

  async #verify(token: unknown): Promise<unknown> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_ACCESS_TOKEN_LENGTH)
      throw PorchlightError.unauthorized('token invalid');
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: this.#issuer,
        audience: this.#audience,
        requiredClaims: ['exp', 'iat', 'sub', 'jti', 'typ'],
        currentDate: new Date(this.#now()),
      });
      // Issued after now (the clock jumped back): it would live until its exp, longer than any
      // TTL on this clock. It counts as expired, so its holder refreshes.
      if (typeof payload.iat === 'number' && payload.iat * 1000 > this.#now() + CLOCK_TOLERANCE_MS)
        throw PorchlightError.unauthorized('token expired');
      return payload;
    } catch (error) {
      if (error instanceof PorchlightError) throw error;
      // jose checks the signature before the claims, so only a genuine token reports expiry.
      if (error instanceof joseErrors.JWTExpired)
        throw PorchlightError.unauthorized('token expired');
      throw PorchlightError.unauthorized('token invalid');
    }
  }
}
