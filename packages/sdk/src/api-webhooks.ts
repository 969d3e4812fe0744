import type {
  CreateWebhook,
  UpdateWebhook,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookDeliveryQuery,
  WebhookEndpoint,
  WebhookList,
  WebhookWithSecret,
} from '@porchlight/protocol';
import { AlarmsApi } from './api-alarms.ts';

/**
 * Signed webhooks of {@link PorchlightApi} (docs/webhooks.md): a site's endpoints, their signing
 * secrets (answered once, at creation and rotation), the delivery log, test events and
 * redelivery of dead letters. Owners for their sites, admins everywhere; others get FORBIDDEN.
 * A private or loopback target is BAD_REQUEST. Verify deliveries with `verifyWebhookSignature`
 * from `@porchlight/sdk/webhooks` (Node).
 */
export abstract class WebhooksApi extends AlarmsApi {
  /** The site's endpoints (never their secrets). */
  listWebhooks(siteId: string): Promise<WebhookList> {
    return this.call('listWebhooks', { params: { siteId } });
  }

  /** Registers an endpoint; `secret` in the answer is shown this once. */
  createWebhook(siteId: string, webhook: CreateWebhook): Promise<WebhookWithSecret> {
    return this.call('createWebhook', { params: { siteId }, body: webhook });
  }

  /** Changes an endpoint's events or switches it on/off (its URL stays: delete and add again). */
  updateWebhook(siteId: string, webhookId: string, patch: UpdateWebhook): Promise<WebhookEndpoint> {
    return this.call('updateWebhook', { params: { siteId, webhookId }, body: patch });
  }

  /** Deletes an endpoint with its pending deliveries and delivery log. */
  deleteWebhook(siteId: string, webhookId: string): Promise<void> {
    return this.call('deleteWebhook', { params: { siteId, webhookId } });
  }

  /** A new secret (shown once); the old one also signs until `previousSecretExpiresAt`. */
  rotateWebhookSecret(siteId: string, webhookId: string): Promise<WebhookWithSecret> {
    return this.call('rotateWebhookSecret', { params: { siteId, webhookId } });
  }

  /** Queues a `webhook.test` event; watch its outcome with {@link listWebhookDeliveries}. */
  testWebhook(siteId: string, webhookId: string): Promise<WebhookDelivery> {
    return this.call('testWebhook', { params: { siteId, webhookId } });
  }

  /** Newest first; `{ status: 'dead' }` lists the dead letters. */
  listWebhookDeliveries(
    siteId: string,
    webhookId: string,
    query: WebhookDeliveryQuery = {},
  ): Promise<WebhookDeliveryList> {
    return this.call('listWebhookDeliveries', {
      params: { siteId, webhookId },
      query: { ...query },
    });
  }

  /** Sends a finished delivery (a dead letter) again with fresh attempts. */
  redeliverWebhook(
    siteId: string,
    webhookId: string,
    deliveryId: string,
  ): Promise<WebhookDelivery> {
    return this.call('redeliverWebhook', { params: { siteId, webhookId, deliveryId } });
  }
}
