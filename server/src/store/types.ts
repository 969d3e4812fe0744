import type { RecordingIndex } from '../recording/index/RecordingIndex.ts';

/**
 * The identity and access domain, as stored. One repository interface (`Store`) with two
 * implementations: SQLite (embedded default) and PostgreSQL. Every method is async so both fit.
 * Secrets are never stored: only their SHA-256 (high-entropy tokens) or scrypt hash (passwords).
 */

/** Roles a person can hold on a site. Platform admins are a flag on the account instead. */
export type SiteRole = 'owner' | 'member' | 'guest' | 'installer';
export const SITE_ROLES: readonly SiteRole[] = ['owner', 'member', 'guest', 'installer'];

export type DeviceKind = 'camera' | 'doorbell';

export interface Account {
  id: string;
  /** Lower-cased, unique. */
  email: string;
  displayName: string;
  /** scrypt$N$r$p$salt$hash (see auth/passwords.ts). */
  passwordHash: string;
  /** Platform administrator (`admin:*`). */
  isAdmin: boolean;
  createdAt: number;
  /** Set when the account is disabled; all its sessions are cut. */
  disabledAt: number | null;
}

export interface Site {
  id: string;
  name: string;
  createdAt: number;
}

/**
 * A role on a site given to an account, optionally narrowed to some devices and a time window
 * (a guest who may see only the front door, only between two dates).
 */
export interface Grant {
  id: string;
  accountId: string;
  siteId: string;
  role: SiteRole;
  /** null = every device of the site. */
  deviceIds: string[] | null;
  /** Unix ms; null = unbounded. */
  validFrom: number | null;
  validUntil: number | null;
  createdBy: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface Device {
  id: string;
  siteId: string;
  kind: DeviceKind;
  name: string;
  /** SHA-256 of the current device credential; null until provisioned. */
  credentialHash: string | null;
  /** Bumped on every rotation; tokens minted for an older generation are refused. */
  credentialGeneration: number;
  createdAt: number;
  revokedAt: number | null;
  // Registry (last known state).
  online: boolean;
  lastSeenAt: number | null;
  lastAddress: string | null;
  userAgent: string | null;
  firmware: string | null;
  /** Current publish bitrate in bps, as last reported. */
  bitrate: number | null;
}

/** A one-time code a device redeems for its credential. Deleted when redeemed or expired. */
export interface ProvisioningCode {
  /** SHA-256 of the code. */
  codeHash: string;
  siteId: string;
  deviceId: string;
  expiresAt: number;
  createdBy: string;
  createdAt: number;
}

export interface RefreshToken {
  id: string;
  accountId: string;
  /** Rotation family: reuse of a rotated token revokes the whole family. */
  familyId: string;
  tokenHash: string;
  expiresAt: number;
  createdAt: number;
  /** Set when rotated (replaced) or revoked. */
  usedAt: number | null;
  revokedAt: number | null;
}

export interface ApiKey {
  id: string;
  accountId: string;
  name: string;
  /** Actions this key may use (a subset of what its account may do), e.g. ["stream:view-live"]. */
  scopes: string[];
  /** null = every site the account can reach. */
  siteId: string | null;
  keyHash: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export type ActorType = 'account' | 'device' | 'apikey' | 'system' | 'anonymous';

export interface AuditEvent {
  id: number;
  at: number;
  actorType: ActorType;
  actorId: string | null;
  /** What happened: 'auth.login', 'grant.create', 'grant.revoke', 'device.provision', 'recording.view'... */
  action: string;
  /** Resource path it happened to, e.g. 'site/<id>/device/<id>'. */
  resource: string | null;
  outcome: 'success' | 'failure' | 'denied';
  ip: string | null;
  /** Small JSON-serialisable details (never secrets). */
  detail: Record<string, unknown>;
}

export type NewAuditEvent = Omit<AuditEvent, 'id'>;

export interface AuditQuery {
  siteId?: string;
  actorId?: string;
  action?: string;
  since?: number;
  until?: number;
  /** Default 100, max 1000. */
  limit?: number;
  /** Return events with id < before (paging, newest first). */
  before?: number;
}

/** One relayed TURN session, recorded when it closed (for metering). */
export interface TurnUsage {
  id: number;
  /** Unix ms when the session closed. */
  at: number;
  principalKind: string;
  principalId: string;
  siteId: string | null;
  durationSeconds: number;
  bytesReceived: number;
  bytesSent: number;
}

export type NewTurnUsage = Omit<TurnUsage, 'id'>;

export interface TurnUsageQuery {
  siteId?: string;
  principalId?: string;
  /** Inclusive unix ms bounds on `at`. */
  since?: number;
  until?: number;
  /** Default 100, max 1000; newest first. */
  limit?: number;
}

/** Fields of the device registry a status update may change. */
export type DeviceStatusPatch = Partial<
  Pick<Device, 'online' | 'lastSeenAt' | 'lastAddress' | 'userAgent' | 'firmware' | 'bitrate'>
>;

/** Thrown by stores on a unique-constraint violation (e.g. duplicate e-mail). */
export class DuplicateError extends Error {
  override readonly name = 'DuplicateError';
}

/**
 * The repository. Methods that look one thing up return null when it is missing; methods that
 * change one thing return whether it existed. Implementations must make `redeemProvisioningCode`
 * and `markRefreshTokenUsed` atomic (single-use under concurrency).
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';

  // Accounts
  createAccount(a: Account): Promise<void>;
  getAccount(id: string): Promise<Account | null>;
  getAccountByEmail(email: string): Promise<Account | null>;
  listAccounts(): Promise<Account[]>;
  updateAccount(
    id: string,
    patch: Partial<Pick<Account, 'displayName' | 'passwordHash' | 'isAdmin' | 'disabledAt'>>,
  ): Promise<boolean>;
  countAccounts(): Promise<number>;

  // Sites
  createSite(s: Site): Promise<void>;
  getSite(id: string): Promise<Site | null>;
  listSites(): Promise<Site[]>;
  updateSite(id: string, patch: Partial<Pick<Site, 'name'>>): Promise<boolean>;
  deleteSite(id: string): Promise<boolean>;

  // Grants
  createGrant(g: Grant): Promise<void>;
  getGrant(id: string): Promise<Grant | null>;
  /** Grants of an account, revoked ones included only when asked. */
  listGrantsForAccount(accountId: string, includeRevoked?: boolean): Promise<Grant[]>;
  listGrantsForSite(siteId: string, includeRevoked?: boolean): Promise<Grant[]>;
  revokeGrant(id: string, at: number): Promise<boolean>;

  // Devices
  createDevice(d: Device): Promise<void>;
  getDevice(id: string): Promise<Device | null>;
  listDevices(siteId: string): Promise<Device[]>;
  updateDevice(
    id: string,
    patch: Partial<Pick<Device, 'name' | 'credentialHash' | 'credentialGeneration' | 'revokedAt'>>,
  ): Promise<boolean>;
  updateDeviceStatus(id: string, patch: DeviceStatusPatch): Promise<boolean>;
  deleteDevice(id: string): Promise<boolean>;

  // Provisioning codes
  createProvisioningCode(c: ProvisioningCode): Promise<void>;
  /** Atomically deletes and returns the code if it exists and has not expired at `now`. */
  redeemProvisioningCode(codeHash: string, now: number): Promise<ProvisioningCode | null>;
  listProvisioningCodes(siteId: string): Promise<ProvisioningCode[]>;
  /** Deletes expired codes; returns how many. */
  deleteExpiredProvisioningCodes(now: number): Promise<number>;

  // Refresh tokens
  createRefreshToken(t: RefreshToken): Promise<void>;
  getRefreshTokenByHash(tokenHash: string): Promise<RefreshToken | null>;
  /** Atomically marks `id` used if it is unused and unrevoked; false when it already was (reuse). */
  markRefreshTokenUsed(id: string, at: number): Promise<boolean>;
  revokeRefreshFamily(familyId: string, at: number): Promise<number>;
  revokeRefreshTokensForAccount(accountId: string, at: number): Promise<number>;
  deleteExpiredRefreshTokens(now: number): Promise<number>;

  // API keys
  createApiKey(k: ApiKey): Promise<void>;
  getApiKey(id: string): Promise<ApiKey | null>;
  getApiKeyByHash(keyHash: string): Promise<ApiKey | null>;
  listApiKeys(accountId: string): Promise<ApiKey[]>;
  revokeApiKey(id: string, at: number): Promise<boolean>;
  touchApiKey(id: string, at: number): Promise<void>;

  // Audit
  appendAudit(e: NewAuditEvent): Promise<number>;
  queryAudit(q: AuditQuery): Promise<AuditEvent[]>;

  // TURN usage
  appendTurnUsage(u: NewTurnUsage): Promise<number>;
  queryTurnUsage(q: TurnUsageQuery): Promise<TurnUsage[]>;

  /** The recording index (segments, runs, data keys, usage) in the same database. */
  readonly recordings: RecordingIndex;

  /** Runs pending migrations (idempotent). Called by the factory before the store is used. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}
