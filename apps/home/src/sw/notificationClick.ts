import { PushPayloadSchema, RINGING_PUSH_TYPES } from '@porchlight/protocol/push';

/** What a tap on a notification (or one of its buttons) should do. Pure: no service worker API. */
export type ClickDecision =
  /** Focus an open window of the app on this path, or open one. */
  | { kind: 'open'; url: string }
  /**
   * POST the decline with the payload's action token; if that fails, open `fallbackUrl` so the
   * person can decline in the app.
   */
  | { kind: 'decline'; request: { url: string; body: string }; fallbackUrl: string };

/** Where a notification action is sent (the route authenticates by the token in the body). */
export const NOTIFICATION_ACTION_PATH = '/api/v1/notifications/actions';

/**
 * Decides a notificationclick from the tapped `action` ('' for the notification itself) and the
 * notification's `data` (the validated push payload the worker stored on it):
 * - Answer -> `/calls/<id>?action=answer`;
 * - Decline -> the decline request (token), or `/calls/<id>?action=decline` without one;
 * - the notification itself -> the incoming call screen for a ring, the payload's `url` otherwise;
 * - anything unknown (another action, data this build cannot read) -> the payload's url or `/`.
 */
export function decideNotificationClick(action: string, data: unknown): ClickDecision {
  const parsed = PushPayloadSchema.safeParse(data);
  if (!parsed.success) return { kind: 'open', url: '/' };
  const p = parsed.data;
  const callUrl = p.callId ? `/calls/${encodeURIComponent(p.callId)}` : undefined;
  const ringing = RINGING_PUSH_TYPES.includes(p.type);
  if (action === 'answer' && callUrl && ringing)
    return { kind: 'open', url: `${callUrl}?action=answer` };
  if (action === 'decline' && callUrl && ringing) {
    const fallbackUrl = `${callUrl}?action=decline`;
    if (!p.actionToken) return { kind: 'open', url: fallbackUrl };
    return {
      kind: 'decline',
      request: {
        url: NOTIFICATION_ACTION_PATH,
        body: JSON.stringify({ token: p.actionToken, action: 'decline' }),
      },
      fallbackUrl,
    };
  }
  if (action === '' && callUrl && ringing) return { kind: 'open', url: callUrl };
  return { kind: 'open', url: p.url };
}
