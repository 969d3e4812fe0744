import { SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';
import { PorchlightError } from '../errors.ts';
import { AUDIENCE, ISSUER, deriveDoorbellKey } from './tokenKeys.ts';

/** What a door token says; the store decides whether it still holds. */
export interface DoorTokenClaims {
  doorId: string;
  siteId: string;
  tokenId: string;
  generation: number;
}

const ClaimsSchema = z.object({
  typ: z.literal('door'),
  sub: z.string().min(1).max(64),
  site: z.string().min(1).max(64),
  jti: z.string().min(1).max(64),
  gen: z.number().int().min(0),
});

/**
 * Door tokens: the signed part of a door's visitor link (`/door/<token>`). HS256 JWTs without
 * expiry (a printed QR code lasts); revocation is the store's job: the token row must be valid
 * and its generation the door's current one, read on every use.
 */
export class DoorTokens {
  readonly #key: Uint8Array;

  constructor(secret: string) {
    this.#key = deriveDoorbellKey(secret, 'door tokens');
  }

  sign(c: DoorTokenClaims): Promise<string> {
    return new SignJWT({ typ: 'door', site: c.siteId, gen: c.generation })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(c.doorId)
      .setJti(c.tokenId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(this.#key);
  }

  /** UNAUTHORIZED 'door link invalid' for anything but a genuine door token. */
  async verify(token: string): Promise<DoorTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'jti', 'typ'],
      });
      const c = ClaimsSchema.parse(payload);
      return { doorId: c.sub, siteId: c.site, tokenId: c.jti, generation: c.gen };
    } catch {
      throw PorchlightError.unauthorized('door link invalid');
    }
  }
}
