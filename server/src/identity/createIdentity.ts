import { ACTIONS } from './authorization/actions.ts';
import { Authorizer } from './authorization/Authorizer.ts';
import { AccessTokens } from './authentication/AccessTokens.ts';
import { ApiKeys } from './authentication/ApiKeys.ts';
import { LoginRateLimiter } from './authentication/LoginRateLimiter.ts';
import { LoginService } from './authentication/LoginService.ts';
import { RateLimitedError } from './authentication/RateLimitedError.ts';
import { PasswordHasher } from './authentication/passwords.ts';
import { Provisioning } from './devices/Provisioning.ts';
import { RefreshTokens } from './authentication/RefreshTokens.ts';
import type { ApiContext } from '../api/ApiContext.ts';
import type { Store } from '../store/types.ts';
import { AuditLog } from './audit/AuditLog.ts';
import { Authenticator } from './authentication/Authenticator.ts';
import { DeviceRegistry } from './devices/DeviceRegistry.ts';
import { IdentityEvents } from './IdentityEvents.ts';

/** Every identity and access component, wired once (by the composition root and by tests). */
export interface Identity {
  store: Store;
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
  authenticator: Authenticator;
  /** The narrow view route handlers get. */
  apiContext(publicUrl: () => string): Omit<ApiContext, 'recordings'>;
}

export function createIdentity(o: { store: Store; secret: string; now?: () => number }): Identity {
  const now = o.now ?? Date.now;
  const store = o.store;
  const events = new IdentityEvents();
  const authorizer = new Authorizer(store, now);
  const audit = new AuditLog(store, now);
  const registry = new DeviceRegistry(store, events, now);
  const passwords = new PasswordHasher();
  const accessTokens = new AccessTokens({ secret: o.secret, now });
  const refreshTokens = new RefreshTokens({ store, now });
  const apiKeys = new ApiKeys({ store, allowedScopes: ACTIONS, now });
  const provisioning = new Provisioning({ store, now });
  const login = new LoginService({ store, passwords, accessTokens, refreshTokens });
  const authenticator = new Authenticator({
    tokens: accessTokens,
    apiKeys,
    provisioning,
    authorizer,
  });
  // Codes carry ~50 bits and expire in minutes; this keeps guessing far below useful rates.
  const publicLimiter = new LoginRateLimiter({
    maxFailures: 10,
    windowSeconds: 600,
    baseLockSeconds: 60,
    now,
  });

  return {
    store,
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
    authenticator,
    apiContext: (publicUrl) => ({
      store,
      authorizer,
      audit,
      events,
      publicUrl,
      now,
      guard: {
        check: (key) => {
          const wait = publicLimiter.retryAfterSeconds(key);
          if (wait > 0) throw new RateLimitedError(wait);
        },
        failed: (key) => {
          publicLimiter.recordFailure(key);
        },
      },
      accounts: {
        login: (email, password, ip) => login.login(email, password, ip),
        refresh: (token) => login.refresh(token),
        logout: (token) => login.logout(token),
        revokeSessions: async (accountId) => {
          await refreshTokens.revokeAll(accountId);
        },
        hashPassword: (password) => passwords.hash(password),
      },
      apiKeys: {
        create: (accountId, input) => apiKeys.create(accountId, input),
        revoke: (id) => apiKeys.revoke(id),
      },
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
    }),
  };
}
