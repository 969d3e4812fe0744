import type { ApiKey } from '../store/repositories/ApiKeyRepository.ts';
import type { Device, DeviceKind } from '../store/repositories/DeviceRepository.ts';
import type { AccessTokens } from './authentication/AccessTokens.ts';
import type { ApiKeys } from './authentication/ApiKeys.ts';
import { localRateLimits, type RateLimits } from '../limits/RateLimits.ts';
import type { LoginService, Session } from './authentication/LoginService.ts';
import type { PasswordHasher } from './authentication/passwords.ts';
import { RateLimitedError } from './authentication/RateLimitedError.ts';
import type { RefreshTokens, SessionClient, SessionInfo } from './authentication/RefreshTokens.ts';
import type { Provisioning } from './devices/Provisioning.ts';
import type { Invitations } from './invitations/Invitations.ts';

/**
 * What identity offers the layers above it (REST API, later other front doors): narrow
 * interfaces over its services. The composition root hands them to whoever needs them, so
 * identity never imports a consumer's types.
 */
export interface IdentityPorts {
  /**
   * Brute-force guard for public endpoints that take a secret in the body (provisioning codes,
   * device credentials): `check` throws RATE_LIMITED while `key` is locked out.
   */
  guard: PublicGuard;
  accounts: AccountsPort;
  apiKeys: ApiKeysPort;
  devices: DevicesPort;
  invitations: InvitationsPort;
}

/** Invitations by single-use link (see Invitations). */
export type InvitationsPort = Pick<
  Invitations,
  'create' | 'find' | 'acceptNew' | 'acceptAs' | 'revoke' | 'statusOf' | 'inviterName'
>;

export interface PublicGuard {
  check(key: string): Promise<void>;
  failed(key: string): Promise<void>;
}

export interface AccountsPort {
  login(
    email: string,
    password: string,
    ip: string,
    userAgent?: string,
    deviceToken?: string,
  ): Promise<Session>;
  refresh(refreshToken: string, client?: SessionClient): Promise<Session>;
  /** Ends the refresh token's session; its account, or null for an unknown token. */
  logout(refreshToken: string): Promise<string | null>;
  /**
   * Revokes every refresh token of the account and kills its access tokens at once (the token
   * generation moves): disable, sign out everywhere. Re-enabling does not revive them.
   */
  revokeSessions(accountId: string): Promise<void>;
  changePassword(
    accountId: string,
    current: string,
    next: string,
    client?: SessionClient,
  ): Promise<Session>;
  /** Sets a temporary password the account must change at next login; returns it. */
  resetPassword(accountId: string): Promise<string>;
  listSessions(accountId: string): Promise<SessionInfo[]>;
  /** False when the account has no such live session. */
  revokeSession(accountId: string, sessionId: string): Promise<boolean>;
  /** The session id (family) of a live refresh token, or null. */
  sessionOf(refreshToken: string): Promise<string | null>;
  hashPassword(password: string): Promise<string>;
}

export interface ApiKeysPort {
  create(
    accountId: string,
    o: { name: string; scopes: string[]; siteId: string | null },
  ): Promise<{ key: string; record: ApiKey }>;
  revoke(id: string): Promise<void>;
}

export interface DevicesPort {
  createCode(o: {
    siteId: string;
    kind: DeviceKind;
    name: string;
    createdBy: string;
    ttlSeconds?: number;
  }): Promise<{
    code: string;
    deviceId: string;
    expiresAt: number;
  }>;
  redeem(
    code: string,
    info: { userAgent: string | null; firmware: string | null; address: string | null },
  ): Promise<{ credential: string; device: Device }>;
  rotateCredential(deviceId: string): Promise<string>;
  revoke(deviceId: string): Promise<void>;
  /** Exchanges a device credential for a short-lived device token. */
  issueToken(credential: string): Promise<{ token: string; expiresIn: number; device: Device }>;
}

/** Builds the ports over identity's services (createIdentity calls this once). */
export function identityPorts(o: {
  login: LoginService;
  refreshTokens: RefreshTokens;
  passwords: PasswordHasher;
  apiKeys: ApiKeys;
  provisioning: Provisioning;
  accessTokens: AccessTokens;
  invitations: Invitations;
  now: () => number;
  /** Where the guard's lockouts live (Redis in a cluster). Default: in memory. */
  limits?: RateLimits;
}): IdentityPorts {
  const { login, refreshTokens, passwords, apiKeys, provisioning, accessTokens, now } = o;
  // Codes carry ~50 bits and expire in minutes; this keeps guessing far below useful rates.
  const publicLimiter = (o.limits ?? localRateLimits).lockout('public', {
    maxFailures: 10,
    windowSeconds: 600,
    baseLockSeconds: 60,
    now,
  });
  return {
    guard: {
      check: async (key) => {
        const wait = await publicLimiter.retryAfterSeconds(key);
        if (wait > 0) throw new RateLimitedError(wait);
      },
      failed: async (key) => {
        await publicLimiter.recordFailure(key);
      },
    },
    accounts: {
      login: (email, password, ip, userAgent, deviceToken) =>
        login.login(email, password, ip, userAgent, deviceToken),
      refresh: (token, client) => login.refresh(token, client),
      logout: (token) => login.logout(token),
      revokeSessions: (accountId) => login.signOutEverywhere(accountId),
      changePassword: (accountId, current, next, client) =>
        login.changePassword(accountId, current, next, client),
      resetPassword: (accountId) => login.resetPassword(accountId),
      listSessions: (accountId) => refreshTokens.list(accountId),
      revokeSession: (accountId, sessionId) => refreshTokens.revokeSession(accountId, sessionId),
      sessionOf: (token) => refreshTokens.sessionOf(token),
      hashPassword: (password) => passwords.hash(password),
    },
    apiKeys: {
      create: (accountId, input) => apiKeys.create(accountId, input),
      revoke: (id) => apiKeys.revoke(id),
    },
    invitations: o.invitations,
    devices: {
      createCode: (input) => provisioning.createCode(input),
      redeem: (code, info) => provisioning.redeem(code, info),
      rotateCredential: async (deviceId) =>
        (await provisioning.rotateCredential(deviceId)).credential,
      revoke: async (deviceId) => {
        await provisioning.revokeDevice(deviceId);
      },
      issueToken: async (credential) => {
        const device = await provisioning.authenticateDevice(credential);
        const t = await accessTokens.issueDevice(device);
        return { token: t.token, expiresIn: Math.round((t.expiresAt - now()) / 1000), device };
      },
    },
  };
}
