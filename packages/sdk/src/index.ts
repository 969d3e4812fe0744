/**
 * @porchlight/sdk: browser-first client for Porchlight. Everything public is exported here.
 */
export { PorchlightClient } from './client.ts';
export type { ClientEvents, ClientState, JoinInfo, WatchOptions } from './client.ts';
export type { ClientOptions } from './options.ts';
export { CachedToken } from './token.ts';
export type { ExpiringToken, TokenProvider, TokenRequest, TokenSource } from './token.ts';
export { PorchlightApi } from './api.ts';
export type { ApiOptions } from './api.ts';
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
export { SITE_ROLES } from './api-types.ts';
export type {
  Account,
  AccountPatch,
  ApiKey,
  AuditEvent,
  AuditQuery,
  Device,
  DeviceKind,
  DeviceToken,
  Grant,
  GrantWithAccount,
  Me,
  NewAccount,
  NewApiKey,
  NewGrant,
  NewProvisioningCode,
  ProvisioningCode,
  ProvisionResult,
  Session,
  SessionAccount,
  Site,
  SiteRole,
} from './api-types.ts';
export { Publication } from './publication.ts';
export type { PublicationEvents, PublishOptions } from './publication.ts';
export { Subscription } from './subscription.ts';
export type {
  SubscriptionEndReason,
  SubscriptionEvents,
  SubscriptionState,
} from './subscription.ts';
export type { ClientStats, CandidateType } from './stats.ts';
export type { VideoCodecName } from './codecs.ts';
export type { SocketIoOptions } from './signaling.ts';
export {
  DEFAULT_ICE_POLICY,
  DEFAULT_RECONNECT_POLICY,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RESUBSCRIBE_GRACE_MS,
  SIMULCAST,
} from './defaults.ts';
export type { IcePolicy, ReconnectPolicy, SimulcastLayer } from './defaults.ts';
export {
  ApiError,
  ClosedError,
  isPorchlightError,
  MediaResetError,
  NotConnectedError,
  PorchlightError,
  RequestError,
  RequestTimeoutError,
} from './errors.ts';
export type { ClientErrorCode, PorchlightErrorCode } from './errors.ts';
export { TypedEmitter } from './emitter.ts';
export type { Listener } from './emitter.ts';
export { chooseEncodings } from './encodings.ts';
export { pickVideoCodec } from './codecs.ts';
export { backoffDelay } from './backoff.ts';
// Wire types callers need to use the API, re-exported so apps need not import the protocol.
export type { ProducerInfo, Role, Source } from '@porchlight/protocol';
