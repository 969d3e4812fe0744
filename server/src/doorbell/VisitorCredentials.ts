import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { PorchlightError } from '../errors.ts';
import type { VisitorScope } from '../identity/authorization/Principal.ts';
import { AUDIENCE, ISSUER, deriveDoorbellKey } from './tokenKeys.ts';

const ClaimsSchema = z.object({
  typ: z.literal('visitor'),
  sub: z.string().min(1).max(64),
  site: z.string().min(1).max(64),
  door: z.string().min(1).max(64),
});

/**
 * Visitor credentials: short-lived JWTs (`typ: visitor`) bound to one call. The Authenticator
 * refuses them everywhere; only the visitor routes and the call room's socket join verify them
 * here (and then check the call is still live).
 */
export class VisitorCredentials {
  readonly #key: Uint8Array;
  readonly #now: () => number;

  constructor(secret: string, now: () => number) {
    this.#key = deriveDoorbellKey(secret, 'visitor credentials');
    this.#now = now;
  }

  async issue(
    scope: VisitorScope,
    ttlSeconds: number,
  ): Promise<{ credential: string; expiresIn: number }> {
    const iat = Math.floor(this.#now() / 1000);
    const credential = await new SignJWT({ typ: 'visitor', site: scope.siteId, door: scope.doorId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(scope.callId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(this.#key);
    return { credential, expiresIn: ttlSeconds };
  }

  /** UNAUTHORIZED 'visitor credential expired' / 'visitor credential invalid'. */
  async verify(token: unknown): Promise<VisitorScope> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096)
      throw PorchlightError.unauthorized('visitor credential invalid');
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'typ'],
        currentDate: new Date(this.#now()),
      });
      const c = ClaimsSchema.parse(payload);
      return { callId: c.sub, siteId: c.site, doorId: c.door };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw PorchlightError.unauthorized('visitor credential expired');
      throw PorchlightError.unauthorized('visitor credential invalid');
    }
  }
}
