/**
 * Shapes of the REST API (`/api/v1`), as the server's views return them. Times are unix ms.
 * Written out here rather than imported: the SDK runs in browsers and must not depend on the
 * server package. `GET /api/openapi.json` is the reference.
 */

export type SiteRole = 'owner' | 'member' | 'guest' | 'installer';
export const SITE_ROLES: readonly SiteRole[] = ['owner', 'member', 'guest', 'installer'];

export type DeviceKind = 'camera' | 'doorbell';

export interface Account {
  id: string;
  email: string;
  displayName: string;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: number;
}

/** The account as returned with a session (login, refresh). */
export interface SessionAccount {
  id: string;
  email: string;
  displayName: string;
  isAdmin: boolean;
  createdAt: number;
  disabledAt: number | null;
}

export interface Session {
  /** Short-lived (minutes); sent as `Authorization: Bearer` and in the socket handshake. */
  accessToken: string;
  accessTokenExpiresAt: number;
  /** Long-lived, single use: each refresh returns a new one. */
  refreshToken: string;
  refreshTokenExpiresAt: number;
  account: SessionAccount;
}

export interface Site {
  id: string;
  name: string;
  createdAt: number;
}

export interface Grant {
  id: string;
  accountId: string;
  siteId: string;
  role: SiteRole;
  /** null: every device of the site. */
  deviceIds: string[] | null;
  validFrom: number | null;
  validUntil: number | null;
  createdAt: number;
  revoked: boolean;
}

export interface GrantWithAccount extends Grant {
  account: Account | null;
}

export interface Device {
  id: string;
  siteId: string;
  kind: DeviceKind;
  name: string;
  /** Has redeemed its provisioning code. */
  provisioned: boolean;
  revoked: boolean;
  online: boolean;
  lastSeenAt: number | null;
  lastAddress: string | null;
  userAgent: string | null;
  firmware: string | null;
  /** Publish bitrate in bits/s, as last reported. */
  bitrate: number | null;
  createdAt: number;
}

export interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  siteId: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revoked: boolean;
}

/** `GET /api/v1/me`. */
export type Me =
  | { kind: 'device'; device: { id: string; siteId: string; name: string } }
  | { kind: 'account' | 'apikey'; account: Account; grants: Grant[] };

export interface ProvisioningCode {
  /** Human form `ABCDE-FGHIJ`, shown once. */
  code: string;
  deviceId: string;
  expiresAt: number;
  /** Link that sets a browser up as this device (the code rides in the fragment). */
  url: string;
}

export interface ProvisionResult {
  /** The device's long-lived secret: keep it, it is never shown again. */
  credential: string;
  device: Device;
}

export interface DeviceToken {
  token: string;
  /** Seconds. */
  expiresIn: number;
  device: Device;
}

export interface AuditEvent {
  id: number;
  at: number;
  actorType: 'account' | 'device' | 'apikey' | 'system' | 'anonymous';
  actorId: string | null;
  action: string;
  resource: string | null;
  outcome: 'success' | 'failure' | 'denied';
  ip: string | null;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  since?: number;
  until?: number;
  /** Events with an id below this (paging, newest first). */
  before?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

export interface NewGrant {
  email: string;
  role: SiteRole;
  /** Only these devices; omit for all. */
  deviceIds?: string[];
  validFrom?: number;
  validUntil?: number;
  /** For a person without an account yet. */
  displayName?: string;
  /** Required for a person without an account yet (at least 10 characters). */
  password?: string;
}

export interface NewAccount {
  email: string;
  displayName: string;
  password: string;
  isAdmin?: boolean;
}

export interface AccountPatch {
  disabled?: boolean;
  isAdmin?: boolean;
  displayName?: string;
}

export interface NewProvisioningCode {
  name: string;
  kind?: DeviceKind;
  /** 60 s to 24 h; default 15 min. */
  ttlSeconds?: number;
}

export interface NewApiKey {
  name: string;
  scopes: string[];
  siteId?: string;
}
