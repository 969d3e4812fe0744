import { randomUUID } from 'node:crypto';
import {
  PUSH_PAYLOAD_VERSION,
  type NotificationSettings,
  type PushDevice,
  type TestNotificationResult,
} from '@porchlight/protocol';
import { PorchlightError } from '../errors.ts';
import { RateLimitedError } from '../identity/authentication/RateLimitedError.ts';
import type { WindowLimiter } from '../SlidingWindowLimiter.ts';
import { localRateLimits, type RateLimits } from '../limits/RateLimits.ts';
import type {
  PushSubscriptionRecord,
  PushSubscriptionRepository,
} from '../store/repositories/PushSubscriptionRepository.ts';
import type { ActionTokens } from './ActionTokens.ts';
import type { DeclinePort } from './DoorbellPushTypes.ts';
import type { NotificationsPort } from './ports.ts';
import { isPrivateEndpoint, resolvesToPrivate, type LookupAll } from './endpointGuard.ts';
import { originOf, type PushSender, type SendOutcome } from './PushSender.ts';
import { DEFAULT_PUSH_SETTINGS, isKnownTimeZone } from './settings.ts';
import { labelFromUserAgent } from './userAgent.ts';

export interface NotificationServiceOptions {
  publicKey: string;
  subscriptions: PushSubscriptionRepository;
  sender: PushSender;
  actionTokens: ActionTokens;
  /** The calls module's decline; until `connectCalls`, Decline answers 503. */
  decline?: DeclinePort;
  /** Accept endpoints on loopback/private addresses (tests' local receiver). Default false. */
  allowPrivateEndpoints?: boolean;
  /** Subscribed browsers per account. Default 20. */
  maxPerAccount?: number;
  /** Notification actions per client address per minute. Default 30. */
  actionsPerAddressPerMinute?: number;
  /** Resolves push endpoint names (tests inject one). Default: the system resolver. */
  lookup?: LookupAll;
  /** Where the action limit lives (Redis in a cluster). Default: in memory. */
  limits?: RateLimits;
  now?: () => number;
}

export const NOTIFICATION_SERVICE_DEFAULTS = { maxPerAccount: 20, actionsPerAddressPerMinute: 30 };

/** Subscriptions, their settings, test notifications and notification actions. */
export class NotificationService implements NotificationsPort {
  readonly #o: NotificationServiceOptions;
  readonly #now: () => number;
  readonly #max: number;
  readonly #actions: WindowLimiter;
  #decline: DeclinePort | undefined;

  constructor(o: NotificationServiceOptions) {
    this.#o = o;
    this.#decline = o.decline;
    this.#now = o.now ?? Date.now;
    this.#max = o.maxPerAccount ?? NOTIFICATION_SERVICE_DEFAULTS.maxPerAccount;
    this.#actions = (o.limits ?? localRateLimits).window('notification-action', {
      limit:
        o.actionsPerAddressPerMinute ?? NOTIFICATION_SERVICE_DEFAULTS.actionsPerAddressPerMinute,
      windowMs: 60_000,
      now: this.#now,
    });
  }

  /**
   * Connects the calls module (the composition root builds both, and each needs the other: calls
   * emit to DoorbellPush, a notification's Decline calls back into calls).
   */
  connectCalls(port: DeclinePort): void {
    this.#decline = port;
  }

  publicKey(): string {
    return this.#o.publicKey;
  }

  async list(accountId: string): Promise<PushDevice[]> {
    return (await this.#o.subscriptions.listForAccount(accountId)).map(pushDeviceView);
  }

  async subscribe(
    accountId: string,
    input: Parameters<NotificationsPort['subscribe']>[1],
  ): Promise<PushDevice> {
    const { endpoint, keys } = input.subscription;
    if (
      !this.#o.allowPrivateEndpoints &&
      (isPrivateEndpoint(endpoint) || (await resolvesToPrivate(endpoint, this.#o.lookup)))
    )
      throw PorchlightError.badRequest('body.subscription.endpoint: not a push service address');
    if (!isUncompressedPoint(keys.p256dh))
      throw PorchlightError.badRequest(
        'body.subscription.keys.p256dh: not an uncompressed P-256 key',
      );
    if (input.settings) checkTimeZone(input.settings);
    const repo = this.#o.subscriptions;
    const existing = await repo.getByEndpoint(endpoint);
    if (existing && existing.accountId === accountId) {
      await repo.update(existing.id, {
        p256dh: keys.p256dh,
        auth: keys.auth,
        userAgent: input.userAgent?.slice(0, 512) ?? null,
        ...(input.label !== undefined ? { label: input.label } : {}),
        ...(input.settings !== undefined ? { settings: input.settings } : {}),
      });
      return pushDeviceView((await repo.get(existing.id))!);
    }
    // The same browser under another account (a shared device after a logout): it is this
    // account's now; the other account must stop receiving on it.
    if (existing) await repo.delete(existing.id);
    if ((await repo.listForAccount(accountId)).length >= this.#max)
      throw PorchlightError.conflict(
        `at most ${this.#max} browsers can be subscribed; remove one first`,
      );
    const record: PushSubscriptionRecord = {
      id: randomUUID(),
      accountId,
      endpoint,
      p256dh: keys.p256dh,
      auth: keys.auth,
      label: input.label ?? null,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
      settings: input.settings ?? DEFAULT_PUSH_SETTINGS,
      createdAt: this.#now(),
      lastSuccessAt: null,
      lastFailureAt: null,
      failures: 0,
    };
    await repo.create(record);
    return pushDeviceView(record);
  }

  async update(
    accountId: string,
    id: string,
    patch: { label?: string | undefined; settings?: NotificationSettings | undefined },
  ): Promise<PushDevice | null> {
    const sub = await this.#own(accountId, id);
    if (!sub) return null;
    if (patch.settings) checkTimeZone(patch.settings);
    await this.#o.subscriptions.update(id, {
      ...(patch.label !== undefined ? { label: patch.label } : {}),
      ...(patch.settings !== undefined ? { settings: patch.settings } : {}),
    });
    const updated = await this.#o.subscriptions.get(id);
    return updated ? pushDeviceView(updated) : null;
  }

  async remove(accountId: string, id: string): Promise<boolean> {
    if (!(await this.#own(accountId, id))) return false;
    return this.#o.subscriptions.delete(id);
  }

  async sendTest(accountId: string, id: string): Promise<TestNotificationResult | null> {
    const sub = await this.#own(accountId, id);
    if (!sub) return null;
    const now = this.#now();
    const tag = `test-${now}`;
    const outcome = await this.#o.sender.send(
      sub,
      {
        v: PUSH_PAYLOAD_VERSION,
        type: 'test',
        title: 'Porchlight test notification',
        body: 'Notifications work on this device.',
        tag,
        url: '/settings/notifications',
        actions: [],
        renotify: false,
        requireInteraction: false,
        timestamp: now,
      },
      { urgency: 'normal', ttlSeconds: 300 },
    );
    return testResult(outcome);
  }

  async act(token: string, action: 'decline', addressKey: string): Promise<void> {
    // Counted before the token is even looked at: guessing and replay floods both stop here.
    const wait = await this.#actions.attempt(addressKey);
    if (wait > 0)
      throw new RateLimitedError(wait, `too many notification actions; try again in ${wait} s`);
    const grant = this.#o.actionTokens.verify(token);
    if (grant.action !== action) throw PorchlightError.unauthorized('invalid notification action');
    if (!this.#decline) throw PorchlightError.unavailable('calls are not available');
    await this.#decline.decline(grant.callId, grant.accountId);
  }

  /** The subscription if it is this account's; another's is indistinguishable from none. */
  async #own(accountId: string, id: string): Promise<PushSubscriptionRecord | null> {
    const sub = await this.#o.subscriptions.get(id);
    return sub && sub.accountId === accountId ? sub : null;
  }
}

export function pushDeviceView(s: PushSubscriptionRecord): PushDevice {
  return {
    id: s.id,
    label: s.label ?? labelFromUserAgent(s.userAgent),
    pushService: originOf(s.endpoint),
    settings: s.settings,
    createdAt: s.createdAt,
    lastSuccessAt: s.lastSuccessAt,
    lastFailureAt: s.lastFailureAt,
  };
}

function checkTimeZone(settings: NotificationSettings): void {
  const zone = settings.quietHours?.timeZone;
  if (zone !== undefined && !isKnownTimeZone(zone))
    throw PorchlightError.badRequest(`body.settings.quietHours.timeZone: unknown time zone`);
}

/** An uncompressed SEC1 point starts with 0x04 (the length was checked by the contract). */
function isUncompressedPoint(b64url: string): boolean {
  return Buffer.from(b64url, 'base64url')[0] === 0x04;
}

function testResult(o: SendOutcome): TestNotificationResult {
  switch (o.kind) {
    case 'delivered':
      return { delivered: true, status: o.status, detail: 'accepted by the push service' };
    case 'gone':
      return {
        delivered: false,
        status: o.status,
        detail: 'the browser is no longer subscribed; it was removed',
      };
    case 'deferred':
      return {
        delivered: false,
        status: null,
        detail: 'the push service asked us to wait; try again in a minute',
      };
    case 'throttled':
    case 'failed':
      return { delivered: false, status: o.status, detail: o.reason };
  }
}
