import {
  PUSH_ACTION_TITLES,
  PushPayloadSchema,
  RINGING_PUSH_TYPES,
  type PushPayload,
} from '@porchlight/protocol/push';

/** `NotificationOptions` plus the fields lib.dom does not declare yet (actions, renotify, image). */
export interface ShownNotification {
  title: string;
  options: NotificationOptions & {
    actions?: { action: string; title: string }[];
    renotify?: boolean;
    image?: string;
    timestamp?: number;
  };
}

/** Shown when a push cannot be read: a push must always show something (userVisibleOnly). */
const UNREADABLE: ShownNotification = {
  title: 'Porchlight',
  options: { body: 'Open the app to see what happened.', tag: 'porchlight-unreadable' },
};

/**
 * The notification for a push's data (already JSON-parsed, or undefined): validated with the
 * shared schema; rings get Answer/Decline, alert again on the same tag and stay until acted on.
 */
export function notificationFor(data: unknown): ShownNotification {
  const parsed = PushPayloadSchema.safeParse(data);
  if (!parsed.success) return UNREADABLE;
  const p: PushPayload = parsed.data;
  const ringing = RINGING_PUSH_TYPES.includes(p.type);
  return {
    title: p.title,
    options: {
      body: p.body,
      tag: p.tag,
      data: p,
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      timestamp: p.timestamp,
      renotify: ringing && p.renotify,
      requireInteraction: ringing && p.requireInteraction,
      actions: ringing ? p.actions.map((a) => ({ action: a, title: PUSH_ACTION_TITLES[a] })) : [],
      ...(p.image ? { image: p.image } : {}),
    },
  };
}
