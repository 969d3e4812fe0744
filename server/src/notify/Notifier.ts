import type { NotificationMap } from '@porchlight/protocol';

/**
 * Something worth telling people about outside the app's own pages: today an alarm's state
 * change. Sockets and Web Push implement `Notifier`; the webhook feature plugs in here too, and
 * gets the same notice (the structured `alarm` part is what a webhook body would carry).
 */
export interface Notice {
  topic: 'alarm';
  siteId: string;
  /** Account ids to tell (the site's owners and the admins). */
  recipients: readonly string[];
  /** One line, e.g. "Porch camera: ALARM". */
  title: string;
  body: string;
  /** App page to open (an admin or home app path). */
  url: string;
  /** Unix ms of the change. */
  at: number;
  alarm: NotificationMap['alarm'];
}

/** One way of delivering notices. Never throws: a failed delivery is its own to log and count. */
export interface Notifier {
  readonly name: string;
  notify(notice: Notice): Promise<void>;
}
