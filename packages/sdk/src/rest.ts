/**
 * @porchlight/sdk/rest: the REST API client and logins, without the media client. For pages that
 * never stream (the admin dashboard): importing the package root pulls in mediasoup-client and
 * socket.io-client, which cost ~400 kB for nothing there.
 */
export { clipUrl, PorchlightApi, snapshotUrl } from './api.ts';
export type { ApiOptions, Method, Query, RequestSpec } from './api-transport.ts';
export { SessionManager, DEFAULT_SESSION_STORAGE_KEY } from './session.ts';
export type {
  KeyValueStorage,
  LockRunner,
  SessionEndReason,
  SessionEvents,
  SessionManagerOptions,
  StoredSession,
} from './session.ts';
export { DeviceTokens } from './device-tokens.ts';
export type { DeviceTokenEvents, DeviceTokensOptions } from './device-tokens.ts';
export { CachedToken } from './token.ts';
export type {
  CachedTokenOptions,
  ExpiringToken,
  TokenProvider,
  TokenRequest,
  TokenSource,
} from './token.ts';
export { ApiError, isPorchlightError, PorchlightError, ProtocolVersionError } from './errors.ts';
export { PROTOCOL_VERSION } from '@porchlight/protocol/vocabulary';
export type { ProtocolVersionRange } from '@porchlight/protocol';
export { describeApiError, isCode } from './describe-error.ts';
export type { PorchlightErrorCode } from './errors.ts';
export type { ErrorCode } from '@porchlight/protocol';
// The REST shapes come from the contract in @porchlight/protocol (zod schemas, types inferred).
export {
  ALARM_BREACHES_BELOW,
  ALARM_DEFAULTS,
  ALARM_KINDS,
  ALARM_LABELS,
  ALARM_UNITS,
  RECORDING_MODES,
  SITE_ROLES,
  WEBHOOK_EVENT_LABELS,
  WEBHOOK_EVENT_TYPES,
} from '@porchlight/protocol/vocabulary';
export type {
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEventType,
  WebhookWithSecret,
  AlarmHistoryEntry,
  AlarmHistoryPage,
  AlarmKind,
  AlarmState,
  AlarmView,
  CreateAlarmRule,
  UpdateAlarmRule,
  Account,
  AccountPatch,
  Bill,
  BillingConfig,
  BillingConfigInput,
  BillingMonths,
  EstimateInput,
  Invoice,
  PriceList,
  PriceListInput,
  Saving,
  DetectionSettings,
  DetectionSettingsInput,
  DetectorInfo,
  DeviceDetection,
  EventDetail,
  EventPage,
  EventView,
  ListEventsQuery,
  StartEvent,
  TrackPoint,
  UpdateEvent,
  ApiKey,
  AcceptInvitation,
  AuditEvent,
  AuditQuery,
  CreatedApiKey,
  CreatedInvitation,
  DeviceChoice,
  Device,
  DeviceKind,
  DeviceToken,
  Grant,
  GrantWithAccount,
  HealthSeries,
  HealthSeriesQuery,
  Invitation,
  InvitationPreview,
  InvitationStatus,
  Me,
  NewAccount,
  NewApiKey,
  NewGrant,
  NewInvitation,
  NewProvisioningCode,
  NewSite,
  PlaybackRequest,
  ProvisioningCode,
  ProvisionResult,
  RecordingFragment,
  RecordingFragmentQuery,
  RecordingMode,
  RecordingPatch,
  RecordingPlayback,
  RecordingStreamView,
  RecordingThumbnail,
  RecordingThumbnailQuery,
  RecordingTimeline,
  RecordingUsage,
  RecordingUsageQuery,
  Session,
  SessionAccount,
  Site,
  SiteRole,
  TimeRange,
  TurnSession,
  TurnUsageQuery,
  TurnUsageReport,
  DeviceUsageRow,
  UsageGranularity,
  UsageQueryInput,
  UsageReport,
} from '@porchlight/protocol';
