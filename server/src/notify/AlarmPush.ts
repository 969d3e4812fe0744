import { PUSH_PAYLOAD_VERSION, type PushPayload } from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import type { PushSubscriptionRepository } from '../store/repositories/PushSubscriptionRepository.ts';
import { fanOut } from './fanOut.ts';
import type { Notice, Notifier } from './Notifier.ts';
import { topicFor } from './payload.ts';
import type { PushSender } from './PushSender.ts';

const logger = createLogger('notify:alarm');

export const ALARM_PUSH_DEFAULTS = {
  /** An alarm older than a day is history, not news. */
  ttlSeconds: 86_400,
};

/**
 * Alarm state changes as Web Push to the recipients' browsers (quiet hours apply; a camera
 * alarm follows the browser's choice of cameras, a site-wide one goes to every browser). One tag
 * per alarm: a later change replaces the earlier notification.
 */
export class AlarmPush implements Notifier {
  readonly name = 'web-push';
  readonly #subscriptions: Pick<PushSubscriptionRepository, 'listForAccounts'>;
  readonly #sender: PushSender;
  readonly #now: () => number;

  constructor(o: {
    subscriptions: Pick<PushSubscriptionRepository, 'listForAccounts'>;
    sender: PushSender;
    now?: () => number;
  }) {
    this.#subscriptions = o.subscriptions;
    this.#sender = o.sender;
    this.#now = o.now ?? Date.now;
  }

  async notify(notice: Notice): Promise<void> {
    const { alarm } = notice.alarm;
    const payload: PushPayload = {
      v: PUSH_PAYLOAD_VERSION,
      type: 'alarm',
      siteId: alarm.siteId,
      ...(alarm.deviceId ? { deviceId: alarm.deviceId } : {}),
      alarmId: alarm.id,
      title: notice.title,
      body: notice.body,
      tag: `alarm-${alarm.id}`.slice(0, 64),
      url: notice.url,
      actions: [],
      renotify: alarm.state === 'ALARM',
      requireInteraction: false,
      timestamp: notice.at,
    };
    await fanOut(
      { subscriptions: this.#subscriptions, sender: this.#sender, logger },
      { siteId: alarm.siteId, deviceId: alarm.deviceId, log: { alarmId: alarm.id } },
      notice.recipients,
      () => payload,
      {
        urgency: alarm.state === 'ALARM' ? 'high' : 'normal',
        ttlSeconds: ALARM_PUSH_DEFAULTS.ttlSeconds,
        topic: topicFor(alarm.id),
      },
      this.#now(),
    );
  }
}
