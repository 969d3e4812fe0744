/**
 * The REST contract (`/api/v1`): request and response schemas of every route, and one descriptor
 * per route that the server registers and the SDK calls.
 */
import { accountRoutes } from './accounts.ts';
import type { RestRouteName } from './endpoints.ts';
import type { RestRoute } from './route.ts';
import { alarmRoutes } from './alarms.ts';
import { apiKeyRoutes } from './apiKeys.ts';
import { auditRoutes } from './audit.ts';
import { billingRoutes } from './billing.ts';
import { callRoutes } from './calls.ts';
import { doorRoutes } from './doors.ts';
import { detectorHostRoutes } from './detectorHost.ts';
import { eventRoutes } from './events.ts';
import { authRoutes } from './auth.ts';
import { deviceRoutes } from './devices.ts';
import { grantRoutes } from './grants.ts';
import { healthRoutes } from './health.ts';
import { clusterRoutes } from './cluster.ts';
import { notificationRoutes } from './notifications.ts';
import { invitationRoutes } from './invitations.ts';
import { recordingRoutes } from './recordings.ts';
import { siteRoutes } from './sites.ts';
import { turnUsageRoutes } from './turnUsage.ts';
import { usageRoutes } from './usage.ts';
import { webhookRoutes } from '../webhooks.ts';
import { ingestRoutes } from '../ingest.ts';

export * from './accounts.ts';
export * from './alarms.ts';
export * from './enums.ts';
export * from './endpoints.ts';
export * from './apiKeys.ts';
export * from './audit.ts';
export * from './billing.ts';
export * from './auth.ts';
export * from './calls.ts';
export * from './doors.ts';
export * from './detectorHost.ts';
export * from './detectorHostShapes.ts';
export * from './events.ts';
export * from './common.ts';
export * from './devices.ts';
export * from './grants.ts';
export * from './health.ts';
export * from './cluster.ts';
export * from './notifications.ts';
export * from './invitations.ts';
export * from './recordings.ts';
export * from './route.ts';
export * from './sites.ts';
export * from './turnUsage.ts';
export * from './usage.ts';

/** Every `/api/v1` route by name (the SDK method that calls it has the same name). */
export const restRoutes = {
  ...authRoutes,
  ...accountRoutes,
  ...siteRoutes,
  ...auditRoutes,
  ...turnUsageRoutes,
  ...usageRoutes,
  ...healthRoutes,
  ...clusterRoutes,
  ...grantRoutes,
  ...invitationRoutes,
  ...deviceRoutes,
  ...apiKeyRoutes,
  ...recordingRoutes,
  ...doorRoutes,
  ...callRoutes,
  ...notificationRoutes,
  ...eventRoutes,
  ...detectorHostRoutes,
  ...billingRoutes,
  ...alarmRoutes,
  ...webhookRoutes,
  ...ingestRoutes,
} satisfies Record<RestRouteName, RestRoute>;
export type RestRoutes = typeof restRoutes;
