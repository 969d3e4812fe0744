import type {
  NewPushSubscription,
  PushDevice,
  TestNotificationResult,
  UpdatePushSubscription,
} from '@porchlight/protocol';
import { CallsApi } from './api-calls.ts';

/** The Web Push calls of {@link PorchlightApi}: the caller's own subscribed browsers. */
export abstract class NotificationApi extends CallsApi {
  /** The server's VAPID public key (base64url), the `applicationServerKey` to subscribe with. */
  async getPushPublicKey(): Promise<string> {
    return (await this.call('getPushPublicKey', {})).publicKey;
  }

  /** The caller's devices subscribed to push notifications. */
  listPushSubscriptions(): Promise<PushDevice[]> {
    return this.call('listPushSubscriptions', {});
  }

  /** Subscribing the same endpoint again updates it and keeps its settings. */
  createPushSubscription(body: NewPushSubscription): Promise<PushDevice> {
    return this.call('createPushSubscription', { body });
  }

  /** Changes what one subscribed device is notified of. */
  updatePushSubscription(
    subscriptionId: string,
    patch: UpdatePushSubscription,
  ): Promise<PushDevice> {
    return this.call('updatePushSubscription', { params: { subscriptionId }, body: patch });
  }

  /** Stops push notifications to one device. */
  deletePushSubscription(subscriptionId: string): Promise<void> {
    return this.call('deletePushSubscription', { params: { subscriptionId } });
  }

  /** Sends a test push to one subscribed device; answers how the push service replied. */
  sendTestNotification(subscriptionId: string): Promise<TestNotificationResult> {
    return this.call('sendTestNotification', { params: { subscriptionId } });
  }

  /** What the service worker does for Decline (it has only the payload's action token). */
  notificationAction(token: string, action: 'decline'): Promise<void> {
    return this.call('notificationAction', { body: { token, action }, auth: false });
  }
}
