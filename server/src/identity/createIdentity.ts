import { ACTIONS } from './authorization/actions.ts';
import { Authorizer } from './authorization/Authorizer.ts';
import { AccessTokens } from './authentication/AccessTokens.ts';
import { ApiKeys } from './authentication/ApiKeys.ts';
import { LoginService, SLOWDOWN } from './authentication/LoginService.ts';
import { KnownDevices } from './authentication/KnownDevices.ts';
import { PasswordHasher } from './authentication/passwords.ts';
import { Provisioning } from './devices/Provisioning.ts';
import { RefreshTokens } from './authentication/RefreshTokens.ts';
import type { Repositories } from '../store/Repositories.ts';
import { AuditLog } from './audit/AuditLog.ts';
import { Authenticator } from './authentication/Authenticator.ts';
import { DeviceRegistry } from './devices/DeviceRegistry.ts';
import { IdentityEvents } from './IdentityEvents.ts';
import { Invitations } from './invitations/Invitations.ts';
import { identityPorts, type IdentityPorts } from './ports.ts';
import { localRateLimits, type RateLimits } from '../limits/RateLimits.ts';

/** Every identity and access component, wired once (by the composition root and by tests). */
export interface Identity {
  /** The identity and access repositories (bootstrap and tests seed through them). */
  repos: Repositories;
  events: IdentityEvents;
  authorizer: Authorizer;
  audit: AuditLog;
  registry: DeviceRegistry;
  passwords: PasswordHasher;
  accessTokens: AccessTokens;
  refreshTokens: RefreshTokens;
  apiKeys: ApiKeys;
  provisioning: Provisioning;
  login: LoginService;
  invitations: Invitations;
  authenticator: Authenticator;
  /** Narrow services for the layers above (the composition root gives them to the REST API). */
  ports: IdentityPorts;
}

export function createIdentity(o: {
  repos: Repositories;
  secret: string;
  now?: () => number;
  /** Where login and guard lockouts live (Redis in a cluster: one budget). Default: in memory. */
  limits?: RateLimits;
}): Identity {
  const now = o.now ?? Date.now;
  const limits = o.limits ?? localRateLimits;
  const repos = o.repos;
  const { accounts, sessions, sites, grants, devices, provisioningCodes } = repos;
  const events = new IdentityEvents();
  const authorizer = new Authorizer(
    { accounts, grants, devices, apiKeys: repos.apiKeys, sessions },
    now,
  );
  const audit = new AuditLog(repos.audit, now);
  const registry = new DeviceRegistry(devices, events, now);
  const passwords = new PasswordHasher();
  const accessTokens = new AccessTokens({ secret: o.secret, now });
  const refreshTokens = new RefreshTokens({ sessions, now });
  const apiKeys = new ApiKeys({
    repos: { apiKeys: repos.apiKeys, sites },
    allowedScopes: ACTIONS,
    now,
  });
  const provisioning = new Provisioning({ repos: { sites, devices, provisioningCodes }, now });
  const login = new LoginService({
    accounts,
    passwords,
    accessTokens,
    refreshTokens,
    // LoginService's defaults: 5 failures per (e-mail, address), 20 per address, in 15 min; a
    // slow-down of at most 30 s per e-mail; known devices limited on their own.
    accountLimiter: limits.lockout('login-account-address', { now }),
    slowdownLimiter: limits.lockout('login-account', { ...SLOWDOWN, now }),
    deviceLimiter: limits.lockout('login-device', { now }),
    ipLimiter: limits.lockout('login-address', { maxFailures: 20, now }),
    knownDevices: new KnownDevices({ secret: o.secret, now }),
  });
  const invitations = new Invitations({ repos, passwords, login, now });
  const authenticator = new Authenticator({
    tokens: accessTokens,
    apiKeys,
    provisioning,
    authorizer,
  });

  return {
    repos,
    events,
    authorizer,
    audit,
    registry,
    passwords,
    accessTokens,
    refreshTokens,
    apiKeys,
    provisioning,
    login,
    invitations,
    authenticator,
    ports: identityPorts({
      invitations,
      login,
      refreshTokens,
      passwords,
      apiKeys,
      provisioning,
      accessTokens,
      now,
      limits,
    }),
  };
}
