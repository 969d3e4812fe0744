import type {
  NotificationSettings,
  PushDevice,
  TestNotificationResult,
} from '@porchlight/protocol';
import type { BrowserPushSubscription } from '@porchlight/protocol';

/** What the REST layer may ask of the notify module; everything is scoped to `accountId`. */
export interface NotificationsPort {
  /** The VAPID public key (base64url) browsers subscribe with. */
  publicKey(): string;
  list(accountId: string): Promise<PushDevice[]>;
  /** Creates, or updates the keys of, the subscription with this endpoint. */
  subscribe(
    accountId: string,
    input: {
      subscription: BrowserPushSubscription;
      label?: string | undefined;
      settings?: NotificationSettings | undefined;
      userAgent: string | undefined;
    },
  ): Promise<PushDevice>;
  /** null when the subscription is not the account's (the route answers 404). */
  update(
    accountId: string,
    id: string,
    patch: { label?: string | undefined; settings?: NotificationSettings | undefined },
  ): Promise<PushDevice | null>;
  /** false when the subscription is not the account's. */
  remove(accountId: string, id: string): Promise<boolean>;
  /** null when the subscription is not the account's. */
  sendTest(accountId: string, id: string): Promise<TestNotificationResult | null>;
  /**
   * A notification button, authenticated by the payload's action token; rate-limited per
   * `addressKey` (the client's address bucket): RATE_LIMITED with a Retry-After.
   */
  act(token: string, action: 'decline', addressKey: string): Promise<void>;
}
