import type { Authorizer } from '../identity/authorization/Authorizer.ts';
import type { AuditLog } from '../identity/audit/AuditLog.ts';
import type { IdentityEvents } from '../identity/IdentityEvents.ts';
import type { IdentityPorts } from '../identity/ports.ts';
import type { Repositories } from '../store/Repositories.ts';
import type { RecordingPort } from '../recording/ports.ts';
import type { Doorbell } from '../doorbell/Doorbell.ts';

/** What the doorbell routes use. */
export type DoorbellPort = Pick<
  Doorbell,
  'doors' | 'calls' | 'speech' | 'visitorSession' | 'authenticateVisitor'
> & { history: Pick<Repositories['calls'], 'listForDoor'> };
import type { NotificationsPort } from '../notify/ports.ts';
import type { Detection } from '../detection/Detection.ts';
import type { UsageReportPort } from '../ops/usage/ports.ts';
import type { HealthSeries } from '@porchlight/protocol';
import type { BillingPort } from '../ops/billing/ports.ts';
import type { AlarmService } from '../ops/alarms/AlarmService.ts';
import type { WebhookService } from '../webhooks/WebhookService.ts';
import type { Ingest } from '../ingest/Ingest.ts';
import type { ClusterAdmin } from '../cluster/Drain.ts';

/** What the RTSP/RTMP camera routes use (docs/cameras.md). */
export type IngestPort = Pick<
  Ingest,
  | 'list'
  | 'probe'
  | 'createRtsp'
  | 'createRtmp'
  | 'update'
  | 'delete'
  | 'rotateStreamKey'
  | 'revokeStreamKey'
>;

/** What the detection routes use. */
export type DetectionPort = Pick<
  Detection,
  'events' | 'settings' | 'views' | 'repo' | 'device' | 'hosting'
>;

/**
 * The repositories route handlers read and write directly (`ctx.repos.sites.get(id)`); changes
 * with side effects (sessions, keys, provisioning) go through the services below instead.
 */
export type ApiRepositories = Pick<
  Repositories,
  'accounts' | 'sites' | 'grants' | 'devices' | 'apiKeys' | 'turnUsage' | 'invitations'
>;

/**
 * What route handlers may use: narrow interfaces (the ports identity and recording export),
 * assembled once by the composition root (Server.ts). Handlers never import services directly.
 */
export interface ApiContext extends IdentityPorts {
  repos: ApiRepositories;
  authorizer: Authorizer;
  audit: AuditLog;
  events: IdentityEvents;
  /** Origin the apps are served from, for links (provisioning QR codes). */
  publicUrl: () => string;
  now: () => number;
  recordings: RecordingPort;
  doorbell: DoorbellPort;
  /** Web Push subscriptions, settings, test sends, notification actions. */
  notifications: NotificationsPort;
  /** Person detection: events and per-camera settings. */
  detection: DetectionPort;
  /** Metered usage (server/src/ops/usage); undefined when usage metering is off. */
  usage: UsageReportPort | undefined;
  /** The cluster's nodes and the admin's drain (a single box lists itself). */
  cluster: Pick<ClusterAdmin, 'nodes' | 'drain'>;
  /** The server's recent health samples (admin charts). */
  health: { series(since?: number): HealthSeries };
  /** Price lists, invoices, estimates, the cloud-vs-box saving. */
  billing: BillingPort;
  /** Alarm rules, states, history, acknowledge and mute (docs/operations.md "Alarms"). */
  alarms: AlarmService;
  /** Signed webhooks of a site (docs/webhooks.md). */
  webhooks: WebhookService;
  /** RTSP and RTMP cameras. */
  ingest: IngestPort;
}
