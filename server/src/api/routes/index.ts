import type { ApiRoute } from '../Route.ts';
import { accountSessionRoutes } from './accountSessions.ts';
import { adminRoutes } from './admin.ts';
import { alarmRoutes } from './alarms.ts';
import { apiKeyRoutes } from './apiKeys.ts';
import { authRoutes } from './auth.ts';
import { billingRoutes } from './billing.ts';
import { callRoutes } from './calls.ts';
import { doorRoutes } from './doors.ts';
import { detectorHostRoutes } from './detectorHost.ts';
import { eventRoutes } from './events.ts';
import { deviceRoutes } from './devices.ts';
import { grantRoutes } from './grants.ts';
import { healthRoutes } from './health.ts';
import { clusterRoutes } from './cluster.ts';
import { notificationRoutes } from './notifications.ts';
import { invitationRoutes } from './invitations.ts';
import { recordingRoutes } from './recordings.ts';
import { siteRoutes } from './sites.ts';
import { usageRoutes } from './usage.ts';
import { webhookRoutes } from './webhooks.ts';
import { ingestRoutes } from './ingest.ts';
import { auditVerifyRoutes } from './siteAudit.ts';

/** The route table: the API server, the OpenAPI document and the authorization matrix test all read it. */
export const routes: readonly ApiRoute[] = [
  ...authRoutes,
  ...siteRoutes,
  ...grantRoutes,
  ...invitationRoutes,
  ...deviceRoutes,
  ...apiKeyRoutes,
  ...adminRoutes,
  ...accountSessionRoutes,
  ...recordingRoutes,
  ...doorRoutes,
  ...callRoutes,
  ...notificationRoutes,
  ...eventRoutes,
  ...detectorHostRoutes,
  ...usageRoutes,
  ...healthRoutes,
  ...clusterRoutes,
  ...billingRoutes,
  ...alarmRoutes,
  ...webhookRoutes,
  ...auditVerifyRoutes,
  ...ingestRoutes,
];
