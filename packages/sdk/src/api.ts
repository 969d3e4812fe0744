import type {
  Account,
  AccountPatch,
  ApiKey,
  AuditEvent,
  AuditQuery,
  CreatedApiKey,
  Device,
  DeviceToken,
  GrantWithAccount,
  Me,
  NewAccount,
  NewApiKey,
  NewGrant,
  NewProvisioningCode,
  NewSite,
  ProvisioningCode,
  ProvisionResult,
  Session,
  SessionInfo,
  Site,
  TurnUsageQuery,
  TurnUsageReport,
} from '@porchlight/protocol';
import { IngestApi } from './api-ingest.ts';
import type { TokenProvider } from './token.ts';

export { clipUrl, snapshotUrl } from './api-recording.ts';
export type { ApiOptions } from './api-transport.ts';

/** Options of the session calls. */
export interface SessionCallOptions {
  /** Cookie mode (browsers): the refresh token stays in an HttpOnly cookie, never in the body. */
  cookie?: boolean;
}

/** Options of {@link PorchlightApi.login}. */
export interface LoginOptions extends SessionCallOptions {
  /** From an earlier login's session: marks this client as a known device (see lockouts). */
  deviceToken?: string;
}

/**
 * Typed client of the REST API (`/api/v1`), one method per route of the contract in
 * `@porchlight/protocol`. Framework-free; errors are {@link ApiError}s with the server's code
 * (`UNAUTHORIZED`, `FORBIDDEN`, `RATE_LIMITED`…) and the HTTP status.
 */
export class PorchlightApi extends IngestApi {
  /** The same server with another token source (e.g. a SessionManager's). */
  withToken(getToken: TokenProvider): PorchlightApi {
    return new PorchlightApi({ ...this.options, url: this.url, getToken });
  }

  // ---- auth ------------------------------------------------------------------------------

  /**
   * Logs a person in with email and password; the session holds short-lived access and refresh
   * tokens. `deviceToken` (from an earlier login's session) marks this browser as known, so
   * others' failed guesses do not lock it out.
   */
  login(email: string, password: string, options: LoginOptions = {}): Promise<Session> {
    const { deviceToken } = options;
    return this.call('login', {
      body: deviceToken === undefined ? { email, password } : { email, password, deviceToken },
      auth: false,
      ...(options.cookie ? { sessionCookie: true } : {}),
    });
  }

  /**
   * Trades a refresh token for a new session (the old refresh token stops working). In cookie mode
   * (`refreshToken` undefined, `cookie: true`) the browser's HttpOnly cookie is the token.
   */
  refresh(refreshToken: string | undefined, options: SessionCallOptions = {}): Promise<Session> {
    return this.call('refresh', {
      body: refreshToken === undefined ? {} : { refreshToken },
      auth: false,
      ...(options.cookie ? { sessionCookie: true } : {}),
    });
  }

  /** Ends the session of this refresh token (or, in cookie mode, of the cookie) on the server. */
  logout(refreshToken: string | undefined, options: SessionCallOptions = {}): Promise<void> {
    return this.call('logout', {
      body: refreshToken === undefined ? {} : { refreshToken },
      auth: false,
      ...(options.cookie ? { sessionCookie: true } : {}),
    });
  }

  /**
   * Changes the caller's password (the current one is required). Every session of the account
   * ends; the answer is a fresh session for this client (adopt it: SessionManager.start).
   */
  changePassword(
    currentPassword: string,
    newPassword: string,
    options: SessionCallOptions = {},
  ): Promise<Session> {
    return this.call('changePassword', {
      body: { currentPassword, newPassword },
      ...(options.cookie ? { sessionCookie: true } : {}),
    });
  }

  /** The caller's live login sessions. */
  listMySessions(): Promise<SessionInfo[]> {
    return this.call('listMySessions', { sessionCookie: true });
  }

  /** Signs out one of the caller's sessions. */
  revokeMySession(sessionId: string): Promise<void> {
    return this.call('revokeMySession', { params: { sessionId } });
  }

  /** Signs out everywhere: every session and access token of the caller dies. */
  revokeMySessions(): Promise<void> {
    return this.call('revokeMySessions', { sessionCookie: true });
  }

  /** Admin: sets a temporary password the account must change at next login. */
  resetAccountPassword(accountId: string): Promise<{ temporaryPassword: string }> {
    return this.call('resetAccountPassword', { params: { accountId } });
  }

  /** Admin: an account's live sessions. */
  listAccountSessions(accountId: string): Promise<SessionInfo[]> {
    return this.call('listAccountSessions', { params: { accountId } });
  }

  /** Admin: ends one session of an account. */
  revokeAccountSession(accountId: string, sessionId: string): Promise<void> {
    return this.call('revokeAccountSession', { params: { accountId, sessionId } });
  }

  /** Admin: ends every session of an account and kills its access tokens. */
  revokeAccountSessions(accountId: string): Promise<void> {
    return this.call('revokeAccountSessions', { params: { accountId } });
  }

  /** The caller: the account (or device/key) and its grants. */
  me(): Promise<Me> {
    return this.call('me');
  }

  // ---- devices (as the device) -----------------------------------------------------------

  /** Redeems a one-time provisioning code for this device's long-lived credential. */
  provision(code: string, firmware?: string): Promise<ProvisionResult> {
    const body = firmware !== undefined ? { code, firmware } : { code };
    return this.call('provision', { body, auth: false });
  }

  /** Exchanges a device credential for a short-lived device token. */
  deviceToken(credential: string): Promise<DeviceToken> {
    return this.call('deviceToken', { body: { credential }, auth: false });
  }

  // ---- sites -----------------------------------------------------------------------------

  /** Sites the caller has access to. */
  listSites(): Promise<Site[]> {
    return this.call('listSites');
  }

  /** One site. */
  getSite(siteId: string): Promise<Site> {
    return this.call('getSite', { params: { siteId } });
  }

  /** Admin. The owner account, if given, gets an owner grant. */
  createSite(site: NewSite): Promise<Site> {
    return this.call('createSite', { body: site });
  }

  /** Renames a site (owners and admins). */
  renameSite(siteId: string, name: string): Promise<Site> {
    return this.call('renameSite', { params: { siteId }, body: { name } });
  }

  /** Deletes a site with its devices, grants and recordings (owners and admins). */
  deleteSite(siteId: string): Promise<void> {
    return this.call('deleteSite', { params: { siteId } });
  }

  /** A site's audit log, newest first (`audit:read`). */
  listAudit(siteId: string, query: AuditQuery = {}): Promise<AuditEvent[]> {
    return this.call('listAudit', { params: { siteId }, query: { ...query } });
  }

  /** Relayed TURN sessions of the site, newest first, with totals per principal. */
  getTurnUsage(siteId: string, query: TurnUsageQuery = {}): Promise<TurnUsageReport> {
    return this.call('getTurnUsage', { params: { siteId }, query: { ...query } });
  }

  // ---- people ----------------------------------------------------------------------------

  /** People with access to a site and their roles (`member:manage`). */
  listGrants(siteId: string): Promise<GrantWithAccount[]> {
    return this.call('listGrants', { params: { siteId } });
  }

  /** Gives a person a role on a site, optionally limited to devices and a time window. */
  createGrant(siteId: string, grant: NewGrant): Promise<GrantWithAccount> {
    return this.call('createGrant', { params: { siteId }, body: grant });
  }

  /** Removes a person's access to a site; their live sessions lose it at once. */
  revokeGrant(siteId: string, grantId: string): Promise<void> {
    return this.call('revokeGrant', { params: { siteId, grantId } });
  }

  // ---- devices (as their owner) ----------------------------------------------------------

  /** A site's cameras and doorbells the caller may watch or manage, with status and bitrate. */
  listDevices(siteId: string): Promise<Device[]> {
    return this.call('listDevices', { params: { siteId } });
  }

  /** A one-time code a new camera redeems with `provision` (`device:provision`). */
  createProvisioningCode(siteId: string, code: NewProvisioningCode): Promise<ProvisioningCode> {
    return this.call('createProvisioningCode', { params: { siteId }, body: code });
  }

  /** Renames a device; its live producers are re-announced with the new label. */
  renameDevice(siteId: string, deviceId: string, name: string): Promise<Device> {
    return this.call('renameDevice', { params: { siteId, deviceId }, body: { name } });
  }

  /** The old credential stops working at once; the new one is returned this one time. */
  rotateDevice(siteId: string, deviceId: string): Promise<{ credential: string }> {
    return this.call('rotateDevice', { params: { siteId, deviceId }, body: {} });
  }

  /** Revokes and removes a device: its credential and tokens stop working at once. */
  removeDevice(siteId: string, deviceId: string): Promise<void> {
    return this.call('removeDevice', { params: { siteId, deviceId } });
  }

  // ---- API keys --------------------------------------------------------------------------

  /** The caller's API keys (never their secrets). */
  listApiKeys(): Promise<ApiKey[]> {
    return this.call('listApiKeys');
  }

  /** A scoped API key for an integration; the secret is in the answer only, this once. */
  createApiKey(key: NewApiKey): Promise<CreatedApiKey> {
    return this.call('createApiKey', { body: key });
  }

  /** Revokes an API key: requests and sockets using it are refused from now on. */
  revokeApiKey(keyId: string): Promise<void> {
    return this.call('revokeApiKey', { params: { keyId } });
  }

  // ---- admin -----------------------------------------------------------------------------

  /** Admin: every account. */
  listAccounts(): Promise<Account[]> {
    return this.call('listAccounts');
  }

  /** Admin: creates an account (a person who logs in with a password). */
  createAccount(account: NewAccount): Promise<Account> {
    return this.call('createAccount', { body: account });
  }

  /** Admin: disables or enables an account, changes its admin flag or name (disabling cuts its sessions). */
  updateAccount(accountId: string, patch: AccountPatch): Promise<Account> {
    return this.call('updateAccount', { params: { accountId }, body: patch });
  }

  /** Admin: every site of the platform. */
  listAllSites(): Promise<Site[]> {
    return this.call('listAllSites');
  }
}
