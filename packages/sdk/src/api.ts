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
  Site,
  TurnUsageQuery,
  TurnUsageReport,
} from '@porchlight/protocol';
import { IngestApi } from './api-ingest.ts';
import type { TokenProvider } from './token.ts';

export { clipUrl, snapshotUrl } from './api-recording.ts';
export type { ApiOptions } from './api-transport.ts';

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

  login(email: string, password: string): Promise<Session> {
    return this.call('login', { body: { email, password }, auth: false });
  }

  refresh(refreshToken: string): Promise<Session> {
    return this.call('refresh', { body: { refreshToken }, auth: false });
  }

  logout(refreshToken: string): Promise<void> {
    return this.call('logout', { body: { refreshToken }, auth: false });
  }

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

  listSites(): Promise<Site[]> {
    return this.call('listSites');
  }

  getSite(siteId: string): Promise<Site> {
    return this.call('getSite', { params: { siteId } });
  }

  /** Admin. The owner account, if given, gets an owner grant. */
  createSite(site: NewSite): Promise<Site> {
    return this.call('createSite', { body: site });
  }

  renameSite(siteId: string, name: string): Promise<Site> {
    return this.call('renameSite', { params: { siteId }, body: { name } });
  }

  deleteSite(siteId: string): Promise<void> {
    return this.call('deleteSite', { params: { siteId } });
  }

  listAudit(siteId: string, query: AuditQuery = {}): Promise<AuditEvent[]> {
    return this.call('listAudit', { params: { siteId }, query: { ...query } });
  }

  /** Relayed TURN sessions of the site, newest first, with totals per principal. */
  getTurnUsage(siteId: string, query: TurnUsageQuery = {}): Promise<TurnUsageReport> {
    return this.call('getTurnUsage', { params: { siteId }, query: { ...query } });
  }

  // ---- people ----------------------------------------------------------------------------

  listGrants(siteId: string): Promise<GrantWithAccount[]> {
    return this.call('listGrants', { params: { siteId } });
  }

  createGrant(siteId: string, grant: NewGrant): Promise<GrantWithAccount> {
    return this.call('createGrant', { params: { siteId }, body: grant });
  }

  revokeGrant(siteId: string, grantId: string): Promise<void> {
    return this.call('revokeGrant', { params: { siteId, grantId } });
  }

  // ---- devices (as their owner) ----------------------------------------------------------

  listDevices(siteId: string): Promise<Device[]> {
    return this.call('listDevices', { params: { siteId } });
  }

  createProvisioningCode(siteId: string, code: NewProvisioningCode): Promise<ProvisioningCode> {
    return this.call('createProvisioningCode', { params: { siteId }, body: code });
  }

  renameDevice(siteId: string, deviceId: string, name: string): Promise<Device> {
    return this.call('renameDevice', { params: { siteId, deviceId }, body: { name } });
  }

  /** The old credential stops working at once; the new one is returned this one time. */
  rotateDevice(siteId: string, deviceId: string): Promise<{ credential: string }> {
    return this.call('rotateDevice', { params: { siteId, deviceId }, body: {} });
  }

  removeDevice(siteId: string, deviceId: string): Promise<void> {
    return this.call('removeDevice', { params: { siteId, deviceId } });
  }

  // ---- API keys --------------------------------------------------------------------------

  listApiKeys(): Promise<ApiKey[]> {
    return this.call('listApiKeys');
  }

  createApiKey(key: NewApiKey): Promise<CreatedApiKey> {
    return this.call('createApiKey', { body: key });
  }

  revokeApiKey(keyId: string): Promise<void> {
    return this.call('revokeApiKey', { params: { keyId } });
  }

  // ---- admin -----------------------------------------------------------------------------

  listAccounts(): Promise<Account[]> {
    return this.call('listAccounts');
  }

  createAccount(account: NewAccount): Promise<Account> {
    return this.call('createAccount', { body: account });
  }

  updateAccount(accountId: string, patch: AccountPatch): Promise<Account> {
    return this.call('updateAccount', { params: { accountId }, body: patch });
  }

  listAllSites(): Promise<Site[]> {
    return this.call('listAllSites');
  }
}
