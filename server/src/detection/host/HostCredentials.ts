import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { PorchlightError } from '../../errors.ts';
import { SignedTokens } from '../../signedTokens.ts';

/** Token prefix: the Authenticator hands `pldh_` bearers to the detector host module. */
export const DETECTOR_TOKEN_PREFIX = 'pldh_';

export interface HostCredentialsOptions {
  secret: string;
  /** How long the launch code in the page's URL fragment may wait for its exchange. Default 60 s. */
  codeTtlMs?: number;
  /** Lifetime of a host token; the page renews it at half-life. Default 10 min. */
  tokenTtlMs?: number;
  now?: () => number;
}

interface Launch {
  id: string;
  codeHash: Buffer | null;
  codeExpiresAt: number;
}

/**
 * Credentials of the detector host. Each Chromium launch gets a launch id and a one-time code
 * (32 random bytes, only its SHA-256 kept, single use, 60 s) that travels in the URL fragment:
 * the command line (visible in `ps`) holds nothing that outlives the first page load. The page
 * trades it for a short-lived token (HMAC-signed, its own key) bound to that launch; a new launch
 * or `end()` makes every earlier token worthless.
 */
export class HostCredentials {
  readonly #tokens;
  readonly #codeTtlMs: number;
  readonly #tokenTtlMs: number;
  readonly #now: () => number;
  #launch: Launch | null = null;

  constructor(o: HostCredentialsOptions) {
    this.#now = o.now ?? Date.now;
    this.#codeTtlMs = o.codeTtlMs ?? 60_000;
    this.#tokenTtlMs = o.tokenTtlMs ?? 600_000;
    this.#tokens = new SignedTokens({
      secret: o.secret,
      purpose: 'porchlight detector host tokens v1',
      schema: z.strictObject({ l: z.string().uuid(), e: z.number().int() }),
      invalid: 'invalid detector host token',
      now: this.#now,
    });
  }

  /** A new launch (ends the previous one): its id and the code for its URL fragment. */
  launch(): { id: string; code: string } {
    const code = randomBytes(32).toString('base64url');
    this.#launch = {
      id: randomUUID(),
      codeHash: sha256(code),
      codeExpiresAt: this.#now() + this.#codeTtlMs,
    };
    return { id: this.#launch.id, code };
  }

  /** The current launch id, or null when the host is stopped. */
  get current(): string | null {
    return this.#launch?.id ?? null;
  }

  /** Code -> token, once; UNAUTHORIZED for a wrong, used or expired code. */
  redeem(code: string): { launchId: string; token: string; expiresAt: number } {
    const launch = this.#launch;
    const given = sha256(code);
    if (
      !launch ||
      launch.codeHash === null ||
      launch.codeExpiresAt <= this.#now() ||
      !timingSafeEqual(given, launch.codeHash)
    )
      throw PorchlightError.unauthorized('invalid or used detector host code');
    launch.codeHash = null;
    return { launchId: launch.id, ...this.issue(launch.id) };
  }

  /** A fresh token for the current launch. */
  issue(launchId: string): { token: string; expiresAt: number } {
    if (this.#launch?.id !== launchId) throw PorchlightError.unauthorized('detector host ended');
    const expiresAt = this.#now() + this.#tokenTtlMs;
    return {
      token: DETECTOR_TOKEN_PREFIX + this.#tokens.mint({ l: launchId, e: expiresAt }),
      expiresAt,
    };
  }

  /** The launch id of a valid token of the current launch; UNAUTHORIZED otherwise. */
  verify(bearer: string): string {
    if (!bearer.startsWith(DETECTOR_TOKEN_PREFIX))
      throw PorchlightError.unauthorized('invalid detector host token');
    const { l } = this.#tokens.verify(bearer.slice(DETECTOR_TOKEN_PREFIX.length));
    if (l !== this.#launch?.id) throw PorchlightError.unauthorized('detector host ended');
    return l;
  }

  /** No launch: every token and code is refused. Idempotent. */
  end(): void {
    this.#launch = null;
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
