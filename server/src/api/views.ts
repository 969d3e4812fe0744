import type * as Wire from '@porchlight/protocol';
import type { Account, ApiKey, Device, Grant, Site } from '../store/types.ts';

/** What the API returns, in the contract's shapes: never a hash, never a secret. */
export const accountView = (a: Account): Wire.Account => ({
  id: a.id,
  email: a.email,
  displayName: a.displayName,
  isAdmin: a.isAdmin,
  disabled: a.disabledAt !== null,
  createdAt: a.createdAt,
});

export const siteView = (s: Site): Wire.Site => ({
  id: s.id,
  name: s.name,
  createdAt: s.createdAt,
});

export const grantView = (g: Grant): Wire.Grant => ({
  id: g.id,
  accountId: g.accountId,
  siteId: g.siteId,
  role: g.role,
  deviceIds: g.deviceIds,
  validFrom: g.validFrom,
  validUntil: g.validUntil,
  createdAt: g.createdAt,
  revoked: g.revokedAt !== null,
});

/**
 * A device as the API shows it. Its network identity (last address, user agent) is for those who
 * manage it only: a guest who may merely watch learns neither (docs/security.md, finding 10).
 */
export const deviceView = (
  d: Device,
  o: { network: boolean } = { network: true },
): Wire.Device => ({
  id: d.id,
  siteId: d.siteId,
  kind: d.kind,
  name: d.name,
  provisioned: d.credentialHash !== null,
  revoked: d.revokedAt !== null,
  online: d.online,
  lastSeenAt: d.lastSeenAt,
  lastAddress: o.network ? d.lastAddress : null,
  userAgent: o.network ? d.userAgent : null,
  firmware: d.firmware,
  bitrate: d.bitrate,
  createdAt: d.createdAt,
});

export const apiKeyView = (k: ApiKey): Wire.ApiKey => ({
  id: k.id,
  name: k.name,
  scopes: k.scopes,
  siteId: k.siteId,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
  revoked: k.revokedAt !== null,
});
