import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { randomUUID } from 'node:crypto';
import { RoleSchema, type Role } from '@porchlight/protocol';
import { z } from 'zod';
import { PorchlightError } from '../errors.ts';

const ISSUER = 'porchlight';
const AUDIENCE = 'porchlight';
/** Tokens are small; anything larger is refused before any crypto. */
const MAX_TOKEN_LENGTH = 4096;

/** What a verified token says about its bearer. */
export interface Identity {
  /** Account or device id. */
  subject: string;
  siteId: string;
  role: Role;
  label: string | undefined;
  /** Unix seconds. */
  expiresAt: number;
  tokenId: string;
}

const ClaimsSchema = z.object({
  sub: z.string().min(1).max(128),
  site: z.string().min(1).max(128),
  role: RoleSchema,
  label: z.string().max(64).optional(),
  exp: z.number().int(),
  jti: z.string().min(1).max(64),
});

export interface MintOptions {
  subject: string;
  siteId: string;
  role: Role;
  label?: string;
  ttlSeconds: number;
}

/**
 * Signed, expiring tokens (JWT, HS256 only: `alg: none` and every other algorithm are refused)
 * that bind a connection to a site and a role.
 */
export class TokenService {
  readonly #key: Uint8Array;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('token secret must be at least 32 characters');
    this.#key = new TextEncoder().encode(secret);
  }

  async mint(o: MintOptions): Promise<string> {
    return new SignJWT({ site: o.siteId, role: o.role, ...(o.label ? { label: o.label } : {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(o.subject)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(Math.floor(Date.now() / 1000) + o.ttlSeconds)
      .sign(this.#key);
  }

  /** Throws UNAUTHORIZED with a reason a client may see. */
  async verify(token: unknown): Promise<Identity> {
    if (typeof token !== 'string' || token.length === 0)
      throw PorchlightError.unauthorized('token missing');
    if (token.length > MAX_TOKEN_LENGTH) throw PorchlightError.unauthorized('token too long');
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw PorchlightError.unauthorized('token expired');
      throw PorchlightError.unauthorized('token invalid');
    }
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) throw PorchlightError.unauthorized('token claims invalid');
    const c = claims.data;
    return {
      subject: c.sub,
      siteId: c.site,
      role: c.role,
      label: c.label,
      expiresAt: c.exp,
      tokenId: c.jti,
    };
  }
}
