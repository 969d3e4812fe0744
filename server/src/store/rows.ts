/**
 * Column lists and row -> domain mappers shared by both stores. Both drivers hand rows back in the
 * same shape: integers as numbers, JSON as text (PostgresStore keeps jsonb unparsed for this), and
 * booleans as 0/1 (SQLite) or true/false (PostgreSQL), which `bool` accepts alike.
 */
import type {
  Account,
  ActorType,
  ApiKey,
  AuditEvent,
  Device,
  DeviceKind,
  Grant,
  ProvisioningCode,
  RefreshToken,
  Site,
  SiteRole,
  TurnUsage,
} from './types.ts';

export type Row = Record<string, unknown>;

export const ACCOUNT_COLUMNS =
  'id, email, display_name, password_hash, is_admin, created_at, disabled_at';
export const SITE_COLUMNS = 'id, name, created_at';
export const GRANT_COLUMNS =
  'id, account_id, site_id, role, device_ids, valid_from, valid_until, created_by, created_at, revoked_at';
export const DEVICE_COLUMNS =
  'id, site_id, kind, name, credential_hash, credential_generation, created_at, revoked_at, ' +
  'online, last_seen_at, last_address, user_agent, firmware, bitrate';
export const PROVISIONING_CODE_COLUMNS =
  'code_hash, site_id, device_id, expires_at, created_by, created_at';
export const REFRESH_TOKEN_COLUMNS =
  'id, account_id, family_id, token_hash, expires_at, created_at, used_at, revoked_at';
export const API_KEY_COLUMNS =
  'id, account_id, name, scopes, site_id, key_hash, created_at, last_used_at, revoked_at';
export const AUDIT_COLUMNS = 'id, at, actor_type, actor_id, action, resource, outcome, ip, detail';

function bool(v: unknown): boolean {
  return v === true || v === 1;
}

function json<T>(v: unknown): T {
  return JSON.parse(v as string) as T;
}

function jsonOrNull<T>(v: unknown): T | null {
  return v === null ? null : json<T>(v);
}

export function toAccount(r: Row): Account {
  return {
    id: r.id as string,
    email: r.email as string,
    displayName: r.display_name as string,
    passwordHash: r.password_hash as string,
    isAdmin: bool(r.is_admin),
    createdAt: r.created_at as number,
    disabledAt: r.disabled_at as number | null,
  };
}

export function toSite(r: Row): Site {
  return { id: r.id as string, name: r.name as string, createdAt: r.created_at as number };
}

export function toGrant(r: Row): Grant {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    siteId: r.site_id as string,
    role: r.role as SiteRole,
    deviceIds: jsonOrNull<string[]>(r.device_ids),
    validFrom: r.valid_from as number | null,
    validUntil: r.valid_until as number | null,
    createdBy: r.created_by as string | null,
    createdAt: r.created_at as number,
    revokedAt: r.revoked_at as number | null,
  };
}

export function toDevice(r: Row): Device {
  return {
    id: r.id as string,
    siteId: r.site_id as string,
    kind: r.kind as DeviceKind,
    name: r.name as string,
    credentialHash: r.credential_hash as string | null,
    credentialGeneration: r.credential_generation as number,
    createdAt: r.created_at as number,
    revokedAt: r.revoked_at as number | null,
    online: bool(r.online),
    lastSeenAt: r.last_seen_at as number | null,
    lastAddress: r.last_address as string | null,
    userAgent: r.user_agent as string | null,
    firmware: r.firmware as string | null,
    bitrate: r.bitrate as number | null,
  };
}

export function toProvisioningCode(r: Row): ProvisioningCode {
  return {
    codeHash: r.code_hash as string,
    siteId: r.site_id as string,
    deviceId: r.device_id as string,
    expiresAt: r.expires_at as number,
    createdBy: r.created_by as string,
    createdAt: r.created_at as number,
  };
}

export function toRefreshToken(r: Row): RefreshToken {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    familyId: r.family_id as string,
    tokenHash: r.token_hash as string,
    expiresAt: r.expires_at as number,
    createdAt: r.created_at as number,
    usedAt: r.used_at as number | null,
    revokedAt: r.revoked_at as number | null,
  };
}

export function toApiKey(r: Row): ApiKey {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    name: r.name as string,
    scopes: json<string[]>(r.scopes),
    siteId: r.site_id as string | null,
    keyHash: r.key_hash as string,
    createdAt: r.created_at as number,
    lastUsedAt: r.last_used_at as number | null,
    revokedAt: r.revoked_at as number | null,
  };
}

export function toAuditEvent(r: Row): AuditEvent {
  return {
    id: r.id as number,
    at: r.at as number,
    actorType: r.actor_type as ActorType,
    actorId: r.actor_id as string | null,
    action: r.action as string,
    resource: r.resource as string | null,
    outcome: r.outcome as AuditEvent['outcome'],
    ip: r.ip as string | null,
    detail: json<Record<string, unknown>>(r.detail),
  };
}

export function toTurnUsage(r: Row): TurnUsage {
  return {
    id: Number(r.id),
    at: Number(r.at),
    principalKind: r.principal_kind as string,
    principalId: r.principal_id as string,
    siteId: r.site_id as string | null,
    durationSeconds: Number(r.duration_seconds),
    bytesReceived: Number(r.bytes_received),
    bytesSent: Number(r.bytes_sent),
  };
}
