import type { SqlExecutor } from './executor/SqlExecutor.ts';
import { SqlAccountRepository, type AccountRepository } from './repositories/AccountRepository.ts';
import { SqlAlarmRepository, type AlarmRepository } from './repositories/AlarmRepository.ts';
import { SqlApiKeyRepository, type ApiKeyRepository } from './repositories/ApiKeyRepository.ts';
import { SqlCallRepository, type CallRepository } from './repositories/CallRepository.ts';
import { SqlDoorRepository, type DoorRepository } from './repositories/DoorRepository.ts';
import { SqlAuditRepository, type AuditRepository } from './repositories/AuditRepository.ts';
import { SqlDeviceRepository, type DeviceRepository } from './repositories/DeviceRepository.ts';
import { SqlGrantRepository, type GrantRepository } from './repositories/GrantRepository.ts';
import {
  SqlInvitationRepository,
  type InvitationRepository,
} from './repositories/InvitationRepository.ts';
import {
  SqlProvisioningCodeRepository,
  type ProvisioningCodeRepository,
} from './repositories/ProvisioningCodeRepository.ts';
import {
  SqlRefreshTokenRepository,
  type RefreshTokenRepository,
} from './repositories/RefreshTokenRepository.ts';
import {
  SqlPushSubscriptionRepository,
  type PushSubscriptionRepository,
} from './repositories/PushSubscriptionRepository.ts';
import { SqlSiteRepository, type SiteRepository } from './repositories/SiteRepository.ts';
import {
  SqlTurnUsageRepository,
  type TurnUsageRepository,
} from './repositories/TurnUsageRepository.ts';
import { SqlUsageRepository, type UsageRepository } from './repositories/UsageRepository.ts';

/**
 * The identity and access repositories over one executor. Consumers take the one (or the `Pick`)
 * they need, never this whole object. Other modules' repositories (the recording index) are built
 * by their own module on the same executor.
 */
export interface Repositories {
  accounts: AccountRepository;
  /** Login sessions (refresh tokens). */
  sessions: RefreshTokenRepository;
  sites: SiteRepository;
  grants: GrantRepository;
  invitations: InvitationRepository;
  devices: DeviceRepository;
  provisioningCodes: ProvisioningCodeRepository;
  apiKeys: ApiKeyRepository;
  audit: AuditRepository;
  turnUsage: TurnUsageRepository;
  /** Doorbell: door settings and door tokens. */
  doors: DoorRepository;
  /** Doorbell call history. */
  calls: CallRepository;
  /** Web Push subscriptions (server/src/notify). */
  pushSubscriptions: PushSubscriptionRepository;
  /** Usage metering's hourly rollups and checkpoint (server/src/ops/usage). */
  usage: UsageRepository;
  /** Alarm rules with their states, and their history (server/src/ops/alarms). */
  alarms: AlarmRepository;
}

export function createRepositories(db: SqlExecutor): Repositories {
  return {
    accounts: new SqlAccountRepository(db),
    sessions: new SqlRefreshTokenRepository(db),
    sites: new SqlSiteRepository(db),
    grants: new SqlGrantRepository(db),
    invitations: new SqlInvitationRepository(db),
    devices: new SqlDeviceRepository(db),
    provisioningCodes: new SqlProvisioningCodeRepository(db),
    apiKeys: new SqlApiKeyRepository(db),
    audit: new SqlAuditRepository(db),
    turnUsage: new SqlTurnUsageRepository(db),
    doors: new SqlDoorRepository(db),
    calls: new SqlCallRepository(db),
    pushSubscriptions: new SqlPushSubscriptionRepository(db),
    usage: new SqlUsageRepository(db),
    alarms: new SqlAlarmRepository(db),
  };
}
