import { PUSH_PAYLOAD_VERSION, type EventView, type PushPayload } from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import type { PushSubscriptionRepository } from '../store/repositories/PushSubscriptionRepository.ts';
import type { FanOutReport } from './DoorbellPushTypes.ts';
import { fanOut } from './fanOut.ts';
import { topicFor } from './payload.ts';
import type { PushSender } from './PushSender.ts';

const logger = createLogger('notify:detection');

export interface DetectionPushOptions {
  subscriptions: Pick<PushSubscriptionRepository, 'listForAccounts'>;
  sender: PushSender;
  /** Clock for quiet hours. Default Date.now. */
  now?: () => number;
  /** TTL of detection pushes. Default 10 min: an older sighting is history, not news. */
  ttlSeconds?: number;
}

export const DETECTION_PUSH_DEFAULTS = { ttlSeconds: 600 };

/**
 * Person-detection Web Push: the text the moment an event starts, then the same notification
 * again with the event's snapshot (a signed URL) once the camera uploads it. Both share the tag
 * and Topic of the event, so the second replaces the first (without alerting twice). Each
 * browser's own settings apply: the cameras it wants, and its quiet hours.
 */
export class DetectionPush {
  readonly #o: DetectionPushOptions;
  readonly #now: () => number;
  readonly #ttl: number;

  constructor(o: DetectionPushOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#ttl = o.ttlSeconds ?? DETECTION_PUSH_DEFAULTS.ttlSeconds;
  }

  started(event: EventView, accountIds: readonly string[]): Promise<FanOutReport> {
    return this.#fanOut(event, accountIds, undefined);
  }

  snapshot(
    event: EventView,
    accountIds: readonly string[],
    imageUrl: string,
  ): Promise<FanOutReport> {
    return this.#fanOut(event, accountIds, imageUrl);
  }

  #payload(event: EventView, image: string | undefined): PushPayload {
    return {
      v: PUSH_PAYLOAD_VERSION,
      type: image ? 'detection-snapshot' : 'detection',
      siteId: event.siteId,
      deviceId: event.deviceId,
      eventId: event.id,
      title: `Person at ${event.deviceName || 'a camera'}`,
      body: event.zones.length > 0 ? `In ${event.zones.join(', ')}` : 'Tap to see the event',
      ...(image ? { image } : {}),
      tag: `detection-${event.id}`,
      url: `/events?event=${encodeURIComponent(event.id)}`,
      actions: [],
      renotify: false,
      requireInteraction: false,
      timestamp: event.startedAt,
    };
  }

  #fanOut(
    event: EventView,
    accountIds: readonly string[],
    image: string | undefined,
  ): Promise<FanOutReport> {
    const payload = this.#payload(event, image);
    return fanOut(
      { subscriptions: this.#o.subscriptions, sender: this.#o.sender, logger },
      { siteId: event.siteId, deviceId: event.deviceId, log: { eventId: event.id } },
      accountIds,
      () => payload,
      { urgency: 'high', ttlSeconds: this.#ttl, topic: topicFor(event.id) },
      this.#now(),
    );
  }
}
