import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  WEBHOOK_ENVELOPE_VERSION,
  WEBHOOK_LIMITS,
  WEBHOOK_TEST_EVENT,
  type CreateWebhook,
  type UpdateWebhook,
  type WebhookData,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEndpoint,
  type WebhookEnvelope,
  type WebhookEventType,
  type WebhookWithSecret,
} from '@porchlight/protocol';
import { createLogger } from '@porchlight/runtime';
import { PorchlightError } from '../errors.ts';
import type { SecretBox } from '../secrets.ts';
import type { DeliveryEngine } from './DeliveryEngine.ts';
import { newSigningSecret } from './signature.ts';
import { TargetRefusedError, type WebhookSender } from './WebhookSender.ts';
import type { DeliveryRow, EndpointRow, WebhookRepository } from './WebhookRepository.ts';

const logger = createLogger('webhooks');

/** A webhook URL the SSRF guard refuses (400, with the reason). */
export class WebhookTargetError extends PorchlightError {
  override readonly name = 'WebhookTargetError';
  constructor(reason: string) {
    super(ErrorCode.BadRequest, `webhook target refused: ${reason}`);
  }
}

export interface WebhookServiceOptions {
  repo: WebhookRepository;
  box: SecretBox;
  sender: Pick<WebhookSender, 'pick'>;
  engine: Pick<DeliveryEngine, 'kick'>;
  /** How long a rotated-out secret still signs (ms). */
  rotationGraceMs: number;
  now?: () => number;
}

/**
 * A site's webhook endpoints and the events they get: registration (SSRF-checked, secret made
 * here, sealed at rest, answered once), rotation with a grace period, the delivery log, test
 * events and redelivery. `emit` turns a domain event into one outbox row per subscribed endpoint.
 */
export class WebhookService {
  readonly #o: WebhookServiceOptions;
  readonly #now: () => number;

  constructor(o: WebhookServiceOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
  }

  async list(siteId: string): Promise<WebhookEndpoint[]> {
    return (await this.#o.repo.listEndpoints(siteId)).map(view);
  }

  async create(
    siteId: string,
    input: CreateWebhook & { events: WebhookEventType[] },
  ): Promise<WebhookWithSecret> {
    if ((await this.#o.repo.listEndpoints(siteId)).length >= WEBHOOK_LIMITS.endpointsPerSite)
      throw PorchlightError.conflict(
        `a site has at most ${WEBHOOK_LIMITS.endpointsPerSite} webhook endpoints`,
      );
    await this.#checkTarget(input.url);
    const id = randomUUID();
    const secret = newSigningSecret();
    const now = this.#now();
    const row: EndpointRow = {
      id,
      siteId,
      url: input.url,
      events: input.events,
      description: input.description ?? null,
      enabled: true,
      disabledReason: null,
      secretSealed: this.#o.box.seal(secret, id),
      previousSecretSealed: null,
      previousExpiresAt: null,
      rotatedAt: null,
      consecutiveDead: 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.#o.repo.createEndpoint(row);
    return { webhook: view(row), secret };
  }

  async update(siteId: string, id: string, patch: UpdateWebhook): Promise<WebhookEndpoint> {
    await this.#get(siteId, id);
    const events = patch.events as WebhookEventType[] | undefined;
    await this.#o.repo.updateEndpoint(id, {
      ...(events !== undefined ? { events } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.enabled !== undefined
        ? { enabled: patch.enabled, disabledReason: null, consecutiveDead: 0 }
        : {}),
      updatedAt: this.#now(),
    });
    return view(await this.#get(siteId, id));
  }

  async delete(siteId: string, id: string): Promise<void> {
    await this.#get(siteId, id);
    await this.#o.repo.deleteEndpoint(id);
  }

  /** A new secret (answered once); the current one keeps signing for the grace period. */
  async rotate(siteId: string, id: string): Promise<WebhookWithSecret> {
    const row = await this.#get(siteId, id);
    const secret = newSigningSecret();
    const now = this.#now();
    await this.#o.repo.updateEndpoint(id, {
      secretSealed: this.#o.box.seal(secret, id),
      previousSecretSealed: row.secretSealed,
      previousExpiresAt: now + this.#o.rotationGraceMs,
      rotatedAt: now,
      updatedAt: now,
    });
    return { webhook: view(await this.#get(siteId, id)), secret };
  }

  /** The secrets that sign for an endpoint at `now`: the current one, then the previous one in grace. */
  secretsFor(row: EndpointRow, now: number): string[] {
    const secrets = [this.#o.box.open(row.secretSealed, row.id)];
    if (row.previousSecretSealed && row.previousExpiresAt !== null && row.previousExpiresAt > now)
      secrets.push(this.#o.box.open(row.previousSecretSealed, row.id));
    return secrets;
  }

  /** Queues a `webhook.test` event to one endpoint (whatever it subscribes to). */
  async test(siteId: string, id: string): Promise<WebhookDelivery> {
    const row = await this.#get(siteId, id);
    const envelope = this.#envelope(siteId, WEBHOOK_TEST_EVENT, {
      message: 'Test event from Porchlight',
      webhookId: id,
    });
    const delivery = await this.#enqueue(row, envelope);
    this.#o.engine.kick();
    return deliveryView(delivery, []);
  }

  async deliveries(
    siteId: string,
    id: string,
    status: WebhookDeliveryStatus | undefined,
    limit: number,
  ): Promise<WebhookDelivery[]> {
    await this.#get(siteId, id);
    const rows = await this.#o.repo.listDeliveries(id, status, limit);
    return Promise.all(
      rows.map(async (d) => deliveryView(d, await this.#o.repo.listAttempts(d.id))),
    );
  }

  /** Sends a delivery again with a fresh set of attempts (same event id and body). */
  async redeliver(siteId: string, id: string, deliveryId: string): Promise<WebhookDelivery> {
    await this.#get(siteId, id);
    const d = await this.#o.repo.getDelivery(deliveryId);
    if (!d || d.endpointId !== id) throw PorchlightError.notFound('delivery');
    if (d.status === 'pending') throw PorchlightError.conflict('the delivery is still pending');
    const now = this.#now();
    await this.#o.repo.updateDelivery(deliveryId, {
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      updatedAt: now,
    });
    this.#o.engine.kick();
    const next = (await this.#o.repo.getDelivery(deliveryId))!;
    return deliveryView(next, await this.#o.repo.listAttempts(deliveryId));
  }

  /**
   * A domain event of a site: queued for every enabled endpoint of the site that subscribes to
   * its type. Never throws (a failed enqueue is logged): domain code must not fail for webhooks.
   */
  async emit<T extends WebhookEventType>(
    siteId: string,
    type: T,
    data: WebhookData<T>,
    createdAt?: number,
  ): Promise<void> {
    try {
      const targets = (await this.#o.repo.listEndpoints(siteId)).filter(
        (e) => e.enabled && e.events.includes(type),
      );
      if (targets.length === 0) return;
      const envelope = this.#envelope(siteId, type, data, createdAt);
      for (const endpoint of targets) await this.#enqueue(endpoint, envelope);
      this.#o.engine.kick();
    } catch (error) {
      logger.warn('webhook event not queued', { siteId, type, error });
    }
  }

  #envelope<T extends WebhookEnvelope['type']>(
    siteId: string,
    type: T,
    data: WebhookData<T>,
    createdAt?: number,
  ): WebhookEnvelope {
    return {
      id: `evt_${randomUUID()}`,
      version: WEBHOOK_ENVELOPE_VERSION,
      type,
      createdAt: createdAt ?? this.#now(),
      siteId,
      data,
    } as WebhookEnvelope;
  }

  async #enqueue(endpoint: EndpointRow, envelope: WebhookEnvelope): Promise<DeliveryRow> {
    const now = this.#now();
    const row: DeliveryRow = {
      id: randomUUID(),
      endpointId: endpoint.id,
      siteId: endpoint.siteId,
      eventId: envelope.id,
      eventType: envelope.type,
      body: JSON.stringify(envelope),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      lastStatusCode: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.#o.repo.createDelivery(row);
    return row;
  }

  async #checkTarget(url: string): Promise<void> {
    try {
      await this.#o.sender.pick(url);
    } catch (error) {
      if (!(error instanceof TargetRefusedError)) throw error;
      // A name that does not resolve yet is accepted: each attempt checks again.
      if (/does not resolve$/.test(error.message)) return;
      throw new WebhookTargetError(error.message);
    }
  }

  async #get(siteId: string, id: string): Promise<EndpointRow> {
    const row = await this.#o.repo.getEndpoint(id);
    if (!row || row.siteId !== siteId) throw PorchlightError.notFound('webhook');
    return row;
  }
}

function view(r: EndpointRow): WebhookEndpoint {
  return {
    id: r.id,
    siteId: r.siteId,
    url: r.url,
    events: r.events,
    description: r.description,
    enabled: r.enabled,
    disabledReason: r.disabledReason,
    createdAt: r.createdAt,
    rotatedAt: r.rotatedAt,
    previousSecretExpiresAt: r.previousSecretSealed ? r.previousExpiresAt : null,
  };
}

function deliveryView(
  d: DeliveryRow,
  attempts: Awaited<ReturnType<WebhookRepository['listAttempts']>>,
): WebhookDelivery {
  return {
    id: d.id,
    webhookId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    createdAt: d.createdAt,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    log: attempts.map((a) => ({
      attempt: a.attempt,
      at: a.at,
      statusCode: a.statusCode,
      latencyMs: a.latencyMs,
      error: a.error,
      responseExcerpt: a.responseExcerpt,
    })),
  };
}
