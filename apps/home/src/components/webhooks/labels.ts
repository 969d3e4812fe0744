import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@porchlight/sdk';

/** "Doorbell ring, Person detected" or "All events". */
export function eventSummary(events: readonly WebhookEventType[]): string {
  if (events.length === WEBHOOK_EVENT_TYPES.length) return 'All events';
  return events.map((e) => WEBHOOK_EVENT_LABELS[e]).join(', ');
}

/** A delivery's event type in words (the test event is not subscribable). */
export function eventLabel(type: string): string {
  return type in WEBHOOK_EVENT_LABELS
    ? WEBHOOK_EVENT_LABELS[type as WebhookEventType]
    : type === 'webhook.test'
      ? 'Test event'
      : type;
}
