import { createLogger } from '@porchlight/runtime';
import type { Config } from '../config/schema.ts';
import { SecretBox } from '../secrets.ts';
import type { SqlExecutor } from '../store/executor/SqlExecutor.ts';
import { DeliveryEngine } from './DeliveryEngine.ts';
import { connectWebhookSources, WebhookNotifier, type WebhookSources } from './domainEvents.ts';
import { WebhookRepository } from './WebhookRepository.ts';
import { WebhookSender, type Resolver } from './WebhookSender.ts';
import { WebhookService } from './WebhookService.ts';

const logger = createLogger('webhooks');
/** Finished deliveries older than `keepDeliveriesDays` are deleted this often. */
const PRUNE_INTERVAL_MS = 3_600_000;

export interface WebhooksOptions {
  config: Config['webhooks'];
  db: SqlExecutor;
  /** The server secret: signing secrets are sealed under a key derived from it. */
  secret: string;
  /** A delivery ended (`porchlight_webhook_deliveries_total{outcome}`). */
  onOutcome?: (outcome: 'delivered' | 'failed') => void;
  /** Tests: a fake DNS. */
  resolve?: Resolver;
  /** Tests: the local receiver's CA. */
  ca?: string | Buffer;
  /**
   * Several nodes share the outbox (a cluster): every attempt claims its row first. Default
   * false (a single box).
   */
  shared?: boolean;
  now?: () => number;
  random?: () => number;
}

/**
 * The webhook module (docs/webhooks.md): endpoints and their sealed secrets, the outbox and its
 * delivery engine, the alarm notifier, and the domain event wiring.
 */
export class Webhooks {
  readonly repo: WebhookRepository;
  readonly sender: WebhookSender;
  readonly engine: DeliveryEngine;
  readonly service: WebhookService;
  /** Plugs into the alarms' notifiers. */
  readonly notifier: WebhookNotifier;
  #closed: Promise<void> | undefined;
  #pruneTimer: NodeJS.Timeout | undefined;
  readonly #keepMs: number;
  readonly #now: () => number;

  constructor(o: WebhooksOptions) {
    const c = o.config;
    this.#keepMs = c.keepDeliveriesDays * 86_400_000;
    this.#now = o.now ?? Date.now;
    this.repo = new WebhookRepository(o.db);
    this.sender = new WebhookSender({
      allowPrivateTargets: c.allowPrivateTargets,
      allowHttp: c.allowHttp,
      timeoutMs: c.timeoutMs,
      ...(o.resolve ? { resolve: o.resolve } : {}),
      ca: o.ca,
    });
    const box = new SecretBox(o.secret, 'webhook signing secret');
    this.engine = new DeliveryEngine({
      repo: this.repo,
      sender: this.sender,
      // The service is made next; the engine only asks once it runs.
      secrets: (endpoint, now) => this.service.secretsFor(endpoint, now),
      policy: { maxAttempts: c.maxAttempts, baseDelayMs: c.retryBaseMs, maxDelayMs: c.retryMaxMs },
      concurrency: c.concurrency,
      disableAfterDeadLetters: c.disableAfterDeadLetters,
      // The sender's timeout plus a margin for the bookkeeping around it.
      ...(o.shared ? { claimMs: c.timeoutMs * 2 + 10_000 } : {}),
      ...(o.onOutcome ? { onOutcome: o.onOutcome } : {}),
      ...(o.now ? { now: o.now } : {}),
      ...(o.random ? { random: o.random } : {}),
    });
    this.service = new WebhookService({
      repo: this.repo,
      box,
      sender: this.sender,
      engine: this.engine,
      rotationGraceMs: c.rotationGraceSeconds * 1000,
      ...(o.now ? { now: o.now } : {}),
    });
    this.notifier = new WebhookNotifier(this.service);
  }

  /** Listens to the domain events and starts working the outbox (pending rows of a previous run). */
  start(sources: WebhookSources): void {
    connectWebhookSources(this.service, sources);
    this.engine.kick();
    void this.prune();
    this.#pruneTimer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    this.#pruneTimer.unref();
  }

  /** Deletes finished deliveries older than `keepDeliveriesDays` (hourly, and once at start). */
  async prune(): Promise<number> {
    try {
      return await this.repo.pruneFinished(this.#now() - this.#keepMs);
    } catch (error) {
      logger.warn('webhook delivery log prune failed', { error });
      return 0;
    }
  }

  /** Idempotent. */
  close(): Promise<void> {
    clearInterval(this.#pruneTimer);
    this.#closed ??= this.engine.close();
    return this.#closed;
  }
}
