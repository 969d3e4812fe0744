import type { NotificationMap, ProducerInfo, RtpCapabilities } from '@porchlight/protocol';
import type { DirectoryDiff, ProducerDirectory } from './producer-directory.ts';
import type { Notification } from './signaling.ts';
import type { SourceFollower } from './source-follower.ts';
import type { CallNotification } from './client-types.ts';

/** What a server notification may change in the client. */
export interface NotificationTarget {
  readonly directory: ProducerDirectory;
  readonly follower: SourceFollower;
  emitProducer(
    event: 'producerAdded' | 'producerRemoved' | 'producerUpdated',
    info: ProducerInfo,
  ): void;
  emitProducersChanged(): void;
  /** This device was renamed by an owner. */
  emitRenamed(name: string): void;
  /** Binds what is unbound to the current media session, soon. */
  scheduleSync(): void;
  mediaReset(reason: string, caps: RtpCapabilities): void;
  /** Hands a doorbell call notification to the app. */
  emitCall(notification: CallNotification): void;
  /** Hands a detection event notification to the app. */
  emitDetection(notification: NotificationMap['detection']): void;
  /** Hands this camera's new detection settings to the app. */
  emitDetectionSettings(notification: NotificationMap['detectionSettings']): void;
  /** Hands an alarm's state change to the app. */
  emitAlarm(notification: NotificationMap['alarm']): void;
}

/** Applies one server notification: the producer directory, subscriptions, media resets. */
export function applyNotification(t: NotificationTarget, notification: Notification): void {
  switch (notification.name) {
    // An update of a producer not known yet (a grant widened) is an addition.
    case 'producerAdded':
    case 'producerUpdated': {
      const change = t.directory.upsert(notification.payload);
      t.follower.reconcile();
      t.emitProducer(
        change === 'added' ? 'producerAdded' : 'producerUpdated',
        notification.payload,
      );
      t.emitProducersChanged();
      t.scheduleSync();
      break;
    }
    case 'producerClosed': {
      const info = t.directory.remove(notification.payload.producerId);
      if (!info) return;
      t.follower.reconcile();
      t.emitProducer('producerRemoved', info);
      t.emitProducersChanged();
      t.scheduleSync();
      break;
    }
    case 'producerPaused':
    case 'producerResumed': {
      const paused = notification.name === 'producerPaused';
      const info = t.directory.setPaused(notification.payload.producerId, paused);
      if (!info) return;
      t.follower.reconcile();
      t.emitProducer('producerUpdated', info);
      t.emitProducersChanged();
      break;
    }
    case 'consumerClosed': {
      const subscription = t.follower.byConsumer(notification.payload.consumerId);
      if (!subscription || subscription.state !== 'active') return;
      t.follower.lose(subscription);
      t.follower.reconcile();
      t.scheduleSync();
      break;
    }
    case 'consumerLayersChanged': {
      const { consumerId, spatialLayer } = notification.payload;
      t.follower.byConsumer(consumerId)?.setSpatialLayer(spatialLayer);
      break;
    }
    case 'deviceRenamed':
      t.emitRenamed(notification.payload.name);
      break;
    case 'mediaReset':
      t.mediaReset(notification.payload.reason, notification.payload.routerRtpCapabilities);
      break;
    // The signaling layer reconnects by itself; the drop and rejoin follow as usual.
    case 'reconnect':
      break;
    case 'callRinging':
    case 'callUpdated':
    case 'callAnswered':
    case 'callEnded':
    case 'quickReply':
      t.emitCall(notification);
      break;
    case 'detection':
      t.emitDetection(notification.payload);
      break;
    case 'detectionSettings':
      t.emitDetectionSettings(notification.payload);
      break;
    case 'alarm':
      t.emitAlarm(notification.payload);
      break;
  }
}

/** Emits the producer events of a directory change (join, reset). */
export function emitDiff(t: NotificationTarget, diff: DirectoryDiff): void {
  for (const info of diff.removed) t.emitProducer('producerRemoved', info);
  for (const info of diff.added) t.emitProducer('producerAdded', info);
  for (const info of diff.updated) t.emitProducer('producerUpdated', info);
  if (diff.added.length + diff.removed.length + diff.updated.length > 0) t.emitProducersChanged();
}
