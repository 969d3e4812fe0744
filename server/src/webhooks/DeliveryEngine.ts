import { WEBHOOK_ENVELOPE_VERSION } from '@porchlight/protocol';
import { createLogger, EnhancedEventEmitter } from '@porchlight/runtime';
import { retryDelay, type RetryPolicy } from './RetryPolicy.ts';
import { signatureHeader } from './signature.ts';
import type { AttemptResult, WebhookSender } from './WebhookSender.ts';
import type { DeliveryRow, EndpointRow, WebhookRepository } from './WebhookRepository.ts';

const logger = createLogger('webhooks:delivery');

export interface DeliveryEngineOptions {
  repo: WebhookRepository;
  sender: Pick<WebhookSender, 'send'>;
  /** The secrets that sign for an endpoint now (the current one, then one in its grace period). */
  secrets: (endpoint: EndpointRow, now: number) => string[];
  policy: RetryPolicy;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** Switch an endpoint off after this many dead letters in a row (0: never). */
  disableAfterDeadLetters: number;
  /**
   * Several nodes work one outbox (a cluster): each attempt first claims its row for this long
   * (WebhookRepository.claim), so exactly one node sends it. Longer than an attempt can take.
   * 0 (a single box): no claims, as before.
   */
  claimMs?: number;
  /** A delivery ended: delivered, or a dead letter (metrics). */
  onOutcome?: (outcome: 'delivered' | 'failed') => void;
  now?: () => number;
  random?: () => number;
}

export type DeliveryEngineEvents = {
  /** One attempt was made (tests and the bench watch it). */
  attempted: [delivery: DeliveryRow, result: AttemptResult];
  /** A delivery ran out of attempts. */
  dead: [delivery: DeliveryRow];
  /** The server switched an endpoint off (dead letters in a row). */
  endpointDisabled: [endpoint: EndpointRow];
};

/**
 * Works the outbox: picks due pending deliveries (oldest first, at most `concurrency` in
 * flight), signs and sends each, logs the attempt, and reschedules a failure with backoff and
 * full jitter or, at `maxAttempts`, makes it a dead letter. The outbox is the database, so
 * what was pending when the server stopped is sent after the next start.
 */
export class DeliveryEngine extends EnhancedEventEmitter<DeliveryEngineEvents> {
  readonly #o: DeliveryEngineOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #inFlight = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;
  /** Aborts attempts in flight at close (they stay pending and run after the next start). */
  readonly #abort = new AbortController();

  constructor(o: DeliveryEngineOptions) {
    super();
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#random = o.random ?? Math.random;
  }

  /** Look for due deliveries now (after an enqueue, and once at start). */
  kick(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#pump()
      .catch((error: unknown) => logger.warn('outbox pass failed', { error }))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  async #pump(): Promise<void> {
    const room = this.#o.concurrency - this.#inFlight.size;
    if (room > 0) {
      const due = await this.#o.repo.due(this.#now(), room + this.#inFlight.size);
      for (const d of due) {
        if (this.#inFlight.size >= this.#o.concurrency) break;
        if (this.#inFlight.has(d.id)) continue;
        const p = this.#attempt(d)
          .catch((error: unknown) => logger.warn('delivery attempt failed', { error }))
          .finally(() => {
            this.#inFlight.delete(d.id);
            this.kick();
          });
        this.#inFlight.set(d.id, p);
      }
    }
    await this.#schedule();
  }

  /** Wake up when the earliest pending delivery falls due. */
  async #schedule(): Promise<void> {
    const next = await this.#o.repo.nextDue();
    if (next === null || this.#closed) return;
    if (this.#timer && this.#timerAt <= next) return;
    clearTimeout(this.#timer);
    this.#timerAt = next;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Infinity;
        this.kick();
      },
      Math.max(0, next - this.#now()),
    );
    this.#timer.unref();
  }

  async #attempt(d: DeliveryRow): Promise<void> {
    const claimMs = this.#o.claimMs ?? 0;
    let claimedUntil: number | null = null;
    if (claimMs > 0) {
      claimedUntil = this.#now() + claimMs;
      // Another node claimed it first (or it changed): theirs to send.
      if (!(await this.#o.repo.claim(d, claimedUntil))) return;
    }
    try {
      await this.#send(d);
    } finally {
      // Stopped mid-attempt: hand the row back at once rather than after the claim runs out.
      if (claimedUntil !== null && this.#abort.signal.aborted)
        await this.#o.repo
          .claim({ ...d, nextAttemptAt: claimedUntil }, d.nextAttemptAt ?? this.#now())
          .catch(() => false);
    }
  }

  async #send(d: DeliveryRow): Promise<void> {
    const endpoint = await this.#o.repo.getEndpoint(d.endpointId);
    if (!endpoint) return; // deleted meanwhile: its deliveries went with it
    const now = this.#now();
    if (!endpoint.enabled) {
      await this.#o.repo.updateDelivery(d.id, {
        status: 'dead',
        nextAttemptAt: null,
        lastError: 'endpoint disabled',
        updatedAt: now,
      });
      return;
    }
    const timestamp = Math.floor(now / 1000);
    const result = await this.#o.sender.send(
      endpoint.url,
      {
        'content-type': 'application/json',
        'user-agent': 'Porchlight-Webhooks/1',
        'porchlight-signature': signatureHeader(this.#o.secrets(endpoint, now), timestamp, d.body),
        'porchlight-webhook-id': d.eventId,
        'porchlight-webhook-version': String(WEBHOOK_ENVELOPE_VERSION),
      },
      d.body,
      this.#abort.signal,
    );
    // Stopping: the delivery stays as it was and is sent after the next start.
    if (this.#abort.signal.aborted) return;
    const attempt = d.attempts + 1;
    const at = this.#now();
    await this.#o.repo.addAttempt({
      deliveryId: d.id,
      attempt,
      at,
      statusCode: result.statusCode,
      latencyMs: result.latencyMs,
      error: result.error,
      responseExcerpt: result.responseExcerpt,
    });
    // Changed meanwhile (redelivered, or its endpoint deleted): the log keeps the attempt, the
    // row keeps its new state.
    const current = await this.#o.repo.getDelivery(d.id);
    if (!current || current.status !== 'pending' || current.attempts !== d.attempts) return;
    const ok = result.error === null;
    const dead = !ok && attempt >= this.#o.policy.maxAttempts;
    const next: DeliveryRow = {
      ...d,
      attempts: attempt,
      status: ok ? 'delivered' : dead ? 'dead' : 'pending',
      nextAttemptAt: ok || dead ? null : at + retryDelay(this.#o.policy, attempt, this.#random),
      lastStatusCode: result.statusCode,
      lastError: result.error,
      updatedAt: at,
    };
    await this.#o.repo.updateDelivery(d.id, next);
    this.safeEmit('attempted', next, result);
    if (ok) {
      this.#o.onOutcome?.('delivered');
      if (endpoint.consecutiveDead > 0)
        await this.#o.repo.updateEndpoint(endpoint.id, { consecutiveDead: 0 });
    } else if (dead) {
      this.#o.onOutcome?.('failed');
      logger.info('webhook delivery dead-lettered', {
        endpointId: endpoint.id,
        deliveryId: d.id,
        error: result.error,
      });
      const inARow = await this.#o.repo.countDeadLetter(endpoint.id);
      const disable =
        endpoint.enabled &&
        this.#o.disableAfterDeadLetters > 0 &&
        inARow === this.#o.disableAfterDeadLetters;
      if (disable)
        await this.#o.repo.updateEndpoint(endpoint.id, {
          enabled: false,
          disabledReason: `${inARow} dead letters in a row`,
          updatedAt: at,
        });
      this.safeEmit('dead', next);
      if (disable) this.safeEmit('endpointDisabled', { ...endpoint, enabled: false });
    }
  }

  /** Stops scheduling and waits for attempts in flight. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#abort.abort();
    await this.#running;
    await Promise.allSettled([...this.#inFlight.values()]);
  }
}
