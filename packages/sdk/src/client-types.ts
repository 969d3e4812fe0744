import type { NotificationMap, ProducerInfo, Role } from '@porchlight/protocol';
import type { PorchlightError } from './errors.ts';
import type { Subscription } from './subscription.ts';

/** The doorbell call notifications (docs/protocol.md, "Doorbell calls"). */
export type CallNotificationName =
  'callRinging' | 'callUpdated' | 'callAnswered' | 'callEnded' | 'quickReply';

/** One doorbell call notification, discriminated by name. */
export type CallNotification = {
  [K in CallNotificationName]: { name: K; payload: NotificationMap[K] };
}[CallNotificationName];

/** A {@link PorchlightClient}'s connection: `idle` before `connect()`, `reconnecting` after a loss (publications and subscriptions are kept), `closed` for good. */
export type ClientState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Who this client is, as decided by the server from the token. */
export interface JoinInfo {
  peerId: string;
  siteId: string;
  role: Role;
  /** This peer's label as the server knows it (a camera: its registered name). */
  label: string;
}

/** Options of {@link PorchlightClient.watch}. */
export interface WatchOptions {
  /** Initial preferred simulcast layer (see Subscription.setPreferredLayer). */
  spatialLayer?: number;
}

/** Events of a {@link PorchlightClient} (`client.on(name, listener)` returns the unsubscribe). */
export type ClientEvents = {
  stateChanged: [state: ClientState, previous: ClientState];
  /** Joined (again): after connect() and after every reconnect. The peer id may change. */
  joined: [info: JoinInfo];
  producerAdded: [producer: ProducerInfo];
  producerRemoved: [producer: ProducerInfo];
  /** An announced producer changed (paused/resumed, renamed, what this peer may do with it). */
  producerUpdated: [producer: ProducerInfo];
  /** After any of the three above, with the new `producers` array. */
  producersChanged: [producers: readonly ProducerInfo[]];
  /** This device (camera role) was renamed by an owner; its producers carry the new label. */
  renamed: [name: string];
  /** The server rebuilt the site's media; the client is re-publishing and re-consuming. */
  mediaReset: [reason: string];
  /** A subscription got a (new) track. */
  remoteTrack: [subscription: Subscription, track: MediaStreamTrack];
  /** Something failed. Fatal errors are followed by state 'closed'. */
  error: [error: PorchlightError];
  /**
   * A doorbell call notification: `callRinging`/`callUpdated` on a homeowner's (site) client,
   * `callAnswered`/`callEnded`/`quickReply` on the visitor's (call room) client.
   */
  call: [notification: CallNotification];
  /**
   * A person-detection event of a camera whose recordings this account may watch: `started`,
   * `updated` (track, zones, snapshot) or `ended` (docs/detection.md).
   */
  detection: [notification: NotificationMap['detection']];
  /** This camera's detection settings were changed by an owner: apply them at once. */
  detectionSettings: [notification: NotificationMap['detectionSettings']];
  /** An alarm of a site this account owns (or any, for admins) changed state (docs/operations.md). */
  alarm: [notification: NotificationMap['alarm']];
};
