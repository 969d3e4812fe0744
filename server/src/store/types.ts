/**
 * The entity types of the identity and access repositories, re-exported from the repository that
 * owns each, for callers that want them from one place. Secrets are never stored: only their
 * SHA-256 (high-entropy tokens) or scrypt hash (passwords).
 */
export type { Account, AccountPatch } from './repositories/AccountRepository.ts';
export type { ApiKey } from './repositories/ApiKeyRepository.ts';
export type {
  ActorType,
  AuditEvent,
  AuditQuery,
  NewAuditEvent,
} from './repositories/AuditRepository.ts';
export type {
  Device,
  DeviceKind,
  DevicePatch,
  DeviceStatusPatch,
} from './repositories/DeviceRepository.ts';
export { SITE_ROLES, type Grant, type SiteRole } from './repositories/GrantRepository.ts';
export type { ProvisioningCode } from './repositories/ProvisioningCodeRepository.ts';
export type { RefreshToken } from './repositories/RefreshTokenRepository.ts';
export type { Site, SitePatch } from './repositories/SiteRepository.ts';
export type {
  NewTurnUsage,
  TurnUsage,
  TurnUsageQuery,
} from './repositories/TurnUsageRepository.ts';
export { DuplicateError } from './errors.ts';
