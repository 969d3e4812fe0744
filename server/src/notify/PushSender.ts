import https from 'node:https';
import webpush from 'web-push';
import { PUSH_LIMITS, type PushPayload } from '@porchlight/protocol';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import type {
  PushSubscriptionRecord,
  PushSubscriptionRepository,
} from '../store/repositories/PushSubscriptionRepository.ts';
import { fitPayload } from './payload.ts';
import type { VapidKeys } from './vapid.ts';
import { guardedLookup } from './endpointGuard.ts';

const logger = createLogger('notify');

/** How a message is sent (RFC 8030 headers). */
export interface PushDelivery {
  /** `high` for rings (delivered at once, woken device), `normal` otherwise. */
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** Seconds the push service keeps an undelivered message: a ring is worthless after its window. */
  ttlSeconds: number;
  /** Replaces an undelivered message with the same topic (≤ 32 URL-safe base64 characters). */
  topic?: string;
}

/** What happened to one message. */
export type SendOutcome =
  | { kind: 'delivered'; status: number; ms: number }
  /** 404/410: the browser unsubscribed; the subscription was deleted. */
  | { kind: 'gone'; status: number }
  /** 429/5xx or unreachable: its push service is backed off; nothing is retried. */
  | { kind: 'throttled'; status: number | null; reason: string }
  /** The push service is still backed off after an earlier 429/5xx: not sent. */
  | { kind: 'deferred'; until: number }
  /** Refused for another reason (bad request, auth, payload still too big). */
  | { kind: 'failed'; status: number | null; reason: string };

/** Backoff after 429/5xx/network errors, per push service origin. */
export interface PushBackoffPolicy {
  /** First backoff when the service gives no Retry-After. Default 2 s. */
  baseMs: number;
  /** Upper bound of any backoff (a Retry-After too). Default 5 min. */
  maxMs: number;
}

export interface PushSenderOptions {
  vapid: VapidKeys;
  /** VAPID `sub`: a `mailto:` or `https:` contact for push services. */
  subject: string;
  subscriptions: Pick<PushSubscriptionRepository, 'delete' | 'recordSuccess' | 'recordFailure'>;
  /** TLS agent for push services (tests pass one that trusts their CA). Default: Node's global agent. */
  agent?: https.Agent | undefined;
  /** Send to endpoints that resolve to loopback/private addresses (tests). Default false. */
  allowPrivateEndpoints?: boolean;
  /** Per-request socket timeout. Default 10 s. */
  timeoutMs?: number;
  /** Sends in flight at once in `sendMany`. Default 8. */
  concurrency?: number;
  backoff?: Partial<PushBackoffPolicy>;
  now?: () => number;
}

export const PUSH_SENDER_DEFAULTS = {
  timeoutMs: 10_000,
  concurrency: 8,
  backoff: { baseMs: 2_000, maxMs: 300_000 } satisfies PushBackoffPolicy,
};

/** One subscription and the message for it (payloads differ per account: action tokens). */
export interface PushJob {
  subscription: PushSubscriptionRecord;
  payload: PushPayload;
}

/**
 * Encrypts (aes128gcm, via `web-push`) and posts push messages with a VAPID JWT (ES256, `exp` 12 h,
 * `aud` the endpoint's origin). Caps the encrypted body at 4096 bytes itself, prunes
 * subscriptions a push service reports gone, and backs a push service off on 429/5xx instead of
 * retrying. Logs only the endpoint's origin: the full URL and the keys are the subscription's
 * secrets.
 */
export type PushSenderEvents = {
  /** Every send's outcome (metrics count them all; alarms the failed and throttled ones). */
  sent: [outcome: SendOutcome];
};

export class PushSender extends EnhancedEventEmitter<PushSenderEvents> {
  readonly #o: PushSenderOptions;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #backoff: PushBackoffPolicy;
  readonly #now: () => number;
  /** origin -> { until, consecutive failures } */
  readonly #backedOff = new Map<string, { until: number; failures: number }>();

  constructor(o: PushSenderOptions) {
    super();
    this.#o = o;
    this.#timeoutMs = o.timeoutMs ?? PUSH_SENDER_DEFAULTS.timeoutMs;
    this.#concurrency = Math.max(1, o.concurrency ?? PUSH_SENDER_DEFAULTS.concurrency);
    this.#backoff = { ...PUSH_SENDER_DEFAULTS.backoff, ...o.backoff };
    this.#now = o.now ?? Date.now;
  }

  /** Sends every job, at most `concurrency` at a time; one outcome per job, in order. */
  async sendMany(jobs: readonly PushJob[], delivery: PushDelivery): Promise<SendOutcome[]> {
    const outcomes: SendOutcome[] = new Array<SendOutcome>(jobs.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) {
        const i = next++;
        const job = jobs[i]!;
        outcomes[i] = await this.send(job.subscription, job.payload, delivery);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, jobs.length) }, worker));
    return outcomes;
  }

  /** Sends one message; never throws (the outcome says what happened). */
  async send(
    sub: PushSubscriptionRecord,
    payload: PushPayload,
    delivery: PushDelivery,
  ): Promise<SendOutcome> {
    const outcome = await this.#send(sub, payload, delivery);
    this.safeEmit('sent', outcome);
    return outcome;
  }

  async #send(
    sub: PushSubscriptionRecord,
    payload: PushPayload,
    delivery: PushDelivery,
  ): Promise<SendOutcome> {
    const origin = originOf(sub.endpoint);
    const blocked = this.#backedOff.get(origin);
    if (blocked && blocked.until > this.#now()) return { kind: 'deferred', until: blocked.until };
    const json = fitPayload(payload);
    if (json === null) return this.#refuseTooBig(sub, origin, payload);
    let request: webpush.RequestDetails & { body: Buffer };
    try {
      request = webpush.generateRequestDetails(
        { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
        json,
        {
          vapidDetails: {
            subject: this.#o.subject,
            publicKey: this.#o.vapid.publicKey,
            privateKey: this.#o.vapid.privateKey,
          },
          contentEncoding: 'aes128gcm',
          TTL: Math.max(0, Math.round(delivery.ttlSeconds)),
          urgency: delivery.urgency,
          ...(delivery.topic ? { topic: delivery.topic } : {}),
        },
      );
    } catch (error) {
      // A malformed stored key (the subscribe route validates them, so: a corrupted row).
      logger.warn('push not encrypted', { origin, subscription: sub.id, reason: errText(error) });
      await this.#book(() => this.#o.subscriptions.recordFailure(sub.id, this.#now()));
      return { kind: 'failed', status: null, reason: 'encryption failed' };
    }
    if (request.body.length > PUSH_LIMITS.encryptedBytes)
      return this.#refuseTooBig(sub, origin, payload);
    const started = performance.now();
    let status: number;
    let retryAfter: string | undefined;
    try {
      ({ status, retryAfter } = await this.#post(request));
    } catch (error) {
      return this.#throttle(sub, origin, null, undefined, errText(error));
    }
    if (status >= 200 && status < 300) {
      this.#backedOff.delete(origin);
      await this.#book(() => this.#o.subscriptions.recordSuccess(sub.id, this.#now()));
      return { kind: 'delivered', status, ms: performance.now() - started };
    }
    if (status === 404 || status === 410) {
      await this.#book(() => this.#o.subscriptions.delete(sub.id));
      logger.info('push subscription gone; removed', { origin, subscription: sub.id, status });
      return { kind: 'gone', status };
    }
    if (status === 429 || status >= 500)
      return this.#throttle(sub, origin, status, retryAfter, `push service answered ${status}`);
    await this.#book(() => this.#o.subscriptions.recordFailure(sub.id, this.#now()));
    logger.warn('push refused', { origin, subscription: sub.id, status });
    return { kind: 'failed', status, reason: `push service answered ${status}` };
  }

  /** Delivery bookkeeping must not turn a sent message into an error (a busy database). */
  async #book(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      logger.warn('push bookkeeping failed', { error });
    }
  }

  async #refuseTooBig(
    sub: PushSubscriptionRecord,
    origin: string,
    payload: PushPayload,
  ): Promise<SendOutcome> {
    logger.error('push payload too big even truncated; not sent', {
      origin,
      subscription: sub.id,
      type: payload.type,
    });
    await this.#book(() => this.#o.subscriptions.recordFailure(sub.id, this.#now()));
    return { kind: 'failed', status: null, reason: 'payload too big' };
  }

  async #throttle(
    sub: PushSubscriptionRecord,
    origin: string,
    status: number | null,
    retryAfter: string | undefined,
    reason: string,
  ): Promise<SendOutcome> {
    const now = this.#now();
    const failures = (this.#backedOff.get(origin)?.failures ?? 0) + 1;
    const exponential = this.#backoff.baseMs * 2 ** Math.min(failures - 1, 16);
    const wait = Math.min(this.#backoff.maxMs, parseRetryAfter(retryAfter, now) ?? exponential);
    this.#backedOff.set(origin, { until: now + wait, failures });
    await this.#book(() => this.#o.subscriptions.recordFailure(sub.id, now));
    logger.warn('push service backed off', { origin, status, reason, backoffMs: wait });
    return { kind: 'throttled', status, reason };
  }

  #post(
    request: webpush.RequestDetails & { body: Buffer },
  ): Promise<{ status: number; retryAfter: string | undefined }> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        request.endpoint,
        {
          method: 'POST',
          headers: request.headers,
          timeout: this.#timeoutMs,
          ...(this.#o.agent ? { agent: this.#o.agent } : {}),
          // Resolved again at every send: a name rebound to a private address is refused.
          ...(this.#o.allowPrivateEndpoints ? {} : { lookup: guardedLookup }),
        },
        (res) => {
          res.resume(); // the body is not needed; drain it so the socket is reused
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: headerValue(res.headers['retry-after']),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('push service timed out')));
      req.on('error', reject);
      req.end(request.body);
    });
  }
}

/** The endpoint's origin: what logs may show of it. */
export function originOf(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return 'invalid';
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Retry-After as ms from now: delta-seconds or an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(v: string | undefined, now: number): number | undefined {
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function errText(e: unknown): string {
  // web-push errors can quote the endpoint: keep the message short and URL-free.
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/https?:\/\/\S+/g, '<url>').slice(0, 200);
}
