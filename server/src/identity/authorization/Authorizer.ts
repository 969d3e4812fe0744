import { PorchlightError } from '../../errors.ts';
import type { AccountRepository } from '../../store/repositories/AccountRepository.ts';
import type { ApiKey, ApiKeyRepository } from '../../store/repositories/ApiKeyRepository.ts';
import type { Device, DeviceRepository } from '../../store/repositories/DeviceRepository.ts';
import type { GrantRepository } from '../../store/repositories/GrantRepository.ts';
import type { RefreshTokenRepository } from '../../store/repositories/RefreshTokenRepository.ts';
import type { Action } from './actions.ts';
import { evaluate, type Decision } from './evaluate.ts';
import type { CameraRef, DetectorHostAuthority, Principal, VisitorScope } from './Principal.ts';
import type { Resource } from './resources.ts';
import {
  ADMIN_STATEMENTS,
  statementsForDetector,
  statementsForDevice,
  statementsForGrant,
  statementsForVisitor,
} from './roles.ts';
import { scopeToApiKey } from './scopeToApiKey.ts';

/** What the authorizer reads to build principals. */
export interface AuthorizerRepos {
  accounts: Pick<AccountRepository, 'get'>;
  grants: Pick<GrantRepository, 'listForAccount'>;
  devices: Pick<DeviceRepository, 'get'>;
  apiKeys: Pick<ApiKeyRepository, 'get'>;
  /** Login sessions (refresh token families): an access token dies with its session. */
  sessions: Pick<RefreshTokenRepository, 'listLive'>;
}

/**
 * The one place authorization is decided, for sockets, REST routes and recording URLs alike.
 * Principals are built fresh from the store, so revocations apply to the next decision.
 */
export class Authorizer {
  readonly #repos: AuthorizerRepos;
  readonly #now: () => number;
  #detectorHosts: DetectorHostAuthority | undefined;

  constructor(repos: AuthorizerRepos, now: () => number = Date.now) {
    this.#repos = repos;
    this.#now = now;
  }

  async accountPrincipal(accountId: string): Promise<Principal> {
    const account = await this.#repos.accounts.get(accountId);
    if (!account || account.disabledAt !== null)
      throw PorchlightError.unauthorized('account unavailable');
    const grants = await this.#repos.grants.listForAccount(accountId);
    const statements = account.isAdmin ? [...ADMIN_STATEMENTS] : grants.flatMap(statementsForGrant);
    return { kind: 'account', id: account.id, account, statements };
  }

  /**
   * The principal of a person's access token (at the HTTP/socket door) or of what it opened (a
   * socket, a WHEP session, re-checked by `refresh`). Refused when the account is unavailable;
   * when its token generation moved on from `generation` (a disable, password change or reset,
   * "sign out everywhere": the token dies now, not at its expiry); while the person must change
   * their password (unless this request is that change); and when login session `sessionId` is
   * no longer live (signed out, rotated into reuse, expired).
   */
  async tokenPrincipal(
    accountId: string,
    token: { generation: number; sessionId?: string | undefined; duringPasswordChange?: boolean },
  ): Promise<Principal> {
    const p = await this.accountPrincipal(accountId);
    if (p.kind !== 'account') throw PorchlightError.unauthorized();
    if ((p.account.tokenGeneration ?? 0) !== token.generation)
      throw PorchlightError.unauthorized('token revoked');
    if (p.account.mustChangePassword && !token.duringPasswordChange)
      throw PorchlightError.passwordChangeRequired();
    if (token.sessionId === undefined) return p;
    const live = await this.#repos.sessions.listLive(p.id, this.#now());
    if (!live.some((t) => t.familyId === token.sessionId))
      throw PorchlightError.unauthorized('session ended');
    return { ...p, sessionId: token.sessionId };
  }

  devicePrincipal(device: Device): Principal {
    if (device.revokedAt !== null) throw PorchlightError.unauthorized('device revoked');
    return {
      kind: 'device',
      id: device.id,
      device,
      statements: statementsForDevice(device.siteId, device.id),
    };
  }

  visitorPrincipal(scope: VisitorScope): Principal {
    return {
      kind: 'visitor',
      id: scope.callId,
      call: scope,
      statements: statementsForVisitor(scope.siteId, scope.doorId),
    };
  }

  /** The detector host's launch `id` with the cameras assigned to it now. */
  detectorPrincipal(id: string, cameras: readonly CameraRef[]): Principal {
    return { kind: 'detector', id, cameras, statements: statementsForDetector(cameras) };
  }

  /** Wired by the composition root once detection exists (it owns host tokens and assignment). */
  useDetectorHosts(authority: DetectorHostAuthority): void {
    this.#detectorHosts = authority;
  }

  get detectorHosts(): DetectorHostAuthority | undefined {
    return this.#detectorHosts;
  }

  /**
   * An API key acts for its owner: it stops when the owner is disabled, and while the owner must
   * change their password (an admin's reset) it is refused like their access tokens.
   */
  async apiKeyPrincipal(key: ApiKey): Promise<Principal> {
    if (key.revokedAt !== null) throw PorchlightError.unauthorized('api key revoked');
    const owner = await this.accountPrincipal(key.accountId);
    if (owner.kind !== 'account') throw PorchlightError.unauthorized();
    if (owner.account.mustChangePassword) throw PorchlightError.passwordChangeRequired();
    return {
      kind: 'apikey',
      id: key.id,
      key,
      account: owner.account,
      statements: scopeToApiKey(owner.statements, key),
    };
  }

  /** Re-reads the principal from the store (grants, revocations). */
  async refresh(p: Principal): Promise<Principal> {
    switch (p.kind) {
      case 'account': {
        // What the access token opened ends with it: same generation, same live session.
        return this.tokenPrincipal(p.id, {
          generation: p.account.tokenGeneration ?? 0,
          sessionId: p.sessionId,
        });
      }
      case 'device': {
        const device = await this.#repos.devices.get(p.id);
        if (!device) throw PorchlightError.unauthorized('device unavailable');
        // A rotated credential ends the sessions opened with the old one.
        if (device.credentialGeneration !== p.device.credentialGeneration) {
          throw PorchlightError.unauthorized('device credential rotated');
        }
        return this.devicePrincipal(device);
      }
      case 'apikey': {
        const key = await this.#repos.apiKeys.get(p.id);
        if (!key) throw PorchlightError.unauthorized('api key unavailable');
        return this.apiKeyPrincipal(key);
      }
      case 'visitor':
        // Bound to one call; the call's end closes its room and its sockets.
        return p;
      case 'detector':
        if (!this.#detectorHosts) throw PorchlightError.unauthorized('no detector host');
        return this.#detectorHosts.refresh(p.id);
    }
  }

  decide(p: Principal, action: Action, resource: Resource): Decision {
    return evaluate(p.statements, action, resource, this.#now());
  }

  can(p: Principal, action: Action, resource: Resource): boolean {
    return this.decide(p, action, resource).allowed;
  }

  /** Throws FORBIDDEN unless allowed. */
  assert(p: Principal, action: Action, resource: Resource): void {
    if (!this.can(p, action, resource)) throw PorchlightError.forbidden(`not allowed: ${action}`);
  }

  /** Site ids where the principal may do `action` on the site itself or something in it. */
  sitesWith(p: Principal, action: Action, candidates: readonly string[]): string[] {
    return candidates.filter((s) => this.can(p, action, `site/${s}`));
  }
}
