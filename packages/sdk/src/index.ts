/**
 * @porchlight/sdk: browser-first client for Porchlight. Everything public is exported here.
 */
export { PorchlightClient } from './client.ts';
export { VisitorCallSession, type VisitorCallEvents } from './call-session.ts';
export type {
  CallNotification,
  CallNotificationName,
  ClientEvents,
  ClientState,
  JoinInfo,
  WatchOptions,
} from './client-types.ts';
export type { ClientOptions, ForceRelay } from './options.ts';
// The REST client, logins and their types (also importable alone as @porchlight/sdk/rest).
export * from './rest.ts';
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
  ClosedError,
  MediaResetError,
  NotConnectedError,
  RequestError,
  RequestTimeoutError,
} from './errors.ts';
export type { ClientErrorCode } from './errors.ts';
export { TypedEmitter } from '@porchlight/emitter';
export type { Listener } from '@porchlight/emitter';
export { chooseEncodings } from './encodings.ts';
export { pickVideoCodec } from './codecs.ts';
export { backoffDelay } from './backoff.ts';
// Wire types callers need to use the API, re-exported so apps need not import the protocol.
export type { ProducerInfo, Role, Source } from '@porchlight/protocol';
export { describeApiError, isCode } from './describe-error.ts';
