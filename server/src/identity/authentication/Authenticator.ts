import type { Authorizer } from '../authorization/Authorizer.ts';
import type { Principal } from '../authorization/Principal.ts';
import type { AccessTokens } from './AccessTokens.ts';
import type { ApiKeys } from './ApiKeys.ts';
import type { Provisioning } from '../devices/Provisioning.ts';
import { PorchlightError } from '../../errors.ts';

/** Reads the `typ` claim without trusting it: it only picks which verification to run. */
export function unverifiedTyp(token: string): unknown {
  const payload = token.split('.')[1];
  if (!payload || payload.length > 4096) return undefined;
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { typ?: unknown })
      .typ;
  } catch {
    return undefined;
  }
}

export interface AuthenticateOptions {
  /**
   * The caller is the password change (or reading who one is): an account that must change its
   * password is let through. Everything else refuses it with PASSWORD_CHANGE_REQUIRED.
   */
  duringPasswordChange?: boolean;
}

/**
 * Turns a bearer credential into a principal, for sockets and REST alike: an API key (`plk_...`),
 * a device token, or an account access token. Anything else is UNAUTHORIZED.
 */
export class Authenticator {
  readonly #tokens: AccessTokens;
  readonly #apiKeys: ApiKeys;
  readonly #provisioning: Provisioning;
  readonly #authorizer: Authorizer;

  constructor(deps: {
    tokens: AccessTokens;
    apiKeys: ApiKeys;
    provisioning: Provisioning;
    authorizer: Authorizer;
  }) {
    this.#tokens = deps.tokens;
    this.#apiKeys = deps.apiKeys;
    this.#provisioning = deps.provisioning;
    this.#authorizer = deps.authorizer;
  }

  async authenticate(bearer: unknown, options: AuthenticateOptions = {}): Promise<Principal> {
    if (typeof bearer !== 'string' || bearer.length === 0)
      throw PorchlightError.unauthorized('token missing');
    if (bearer.length > 4096) throw PorchlightError.unauthorized('token too long');
    if (bearer.startsWith('pldh_')) {
      const hosts = this.#authorizer.detectorHosts;
      if (!hosts) throw PorchlightError.unauthorized('no detector host');
      return hosts.authenticate(bearer);
    }
    if (bearer.startsWith('plk_')) {
      return this.#authorizer.apiKeyPrincipal(await this.#apiKeys.authenticate(bearer));
    }
    const typ = unverifiedTyp(bearer);
    // Visitor credentials (and door tokens) are good for their call endpoints only.
    if (typ === 'visitor' || typ === 'door')
      throw PorchlightError.unauthorized('a visitor credential is only valid for its call');
    if (typ === 'device') {
      const claims = await this.#tokens.verifyDevice(bearer);
      return this.#authorizer.devicePrincipal(await this.#provisioning.checkDeviceToken(claims));
    }
    const claims = await this.#tokens.verifyAccount(bearer);
    return this.#authorizer.tokenPrincipal(claims.accountId, {
      generation: claims.generation,
      sessionId: claims.sessionId,
      duringPasswordChange: options.duringPasswordChange === true,
    });
  }
}
