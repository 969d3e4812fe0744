import {
  PUSH_PAYLOAD_VERSION,
  type PushAction,
  type PushPayload,
  type PushType,
} from '@porchlight/protocol';
import type {
  PushSubscriptionRecord,
  PushSubscriptionRepository,
} from '../store/repositories/PushSubscriptionRepository.ts';
import type { ActionTokens } from './ActionTokens.ts';
import type { CallAnswerer, DoorbellCall, FanOutReport } from './DoorbellPushTypes.ts';
import { createLogger } from '@porchlight/runtime';
import { topicFor } from './payload.ts';
import type { PushDelivery, PushSender } from './PushSender.ts';
import { fanOut } from './fanOut.ts';

const logger = createLogger('notify:doorbell');

export interface DoorbellPushOptions {
  subscriptions: Pick<PushSubscriptionRepository, 'listForAccounts'>;
  sender: PushSender;
  actionTokens: ActionTokens;
  /** Clock for quiet hours and TTLs. Default Date.now. */
  now?: () => number;
  /** TTL of answered/missed/message notifications. Default 1 h: stale news is noise. */
  infoTtlSeconds?: number;
  /** Decline tokens outlive the ring window by this much (clock skew, a slow tap). Default 60 s. */
  actionTokenGraceMs?: number;
}

export const DOORBELL_PUSH_DEFAULTS = { infoTtlSeconds: 3600, actionTokenGraceMs: 60_000 };

/**
 * The doorbell's Web Push side: a call's rings, its snapshot, "answered elsewhere" and "missed"
 * go to every subscribed browser of the recipients whose settings want that door at this hour.
 * Every notification of a call shares its tag (the call id), so each replaces the previous one on
 * the device, and its Topic, so the push service drops an undelivered older one.
 */
export class DoorbellPush {
  readonly #o: DoorbellPushOptions;
  readonly #now: () => number;
  readonly #infoTtl: number;
  readonly #grace: number;

  constructor(o: DoorbellPushOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#infoTtl = o.infoTtlSeconds ?? DOORBELL_PUSH_DEFAULTS.infoTtlSeconds;
    this.#grace = o.actionTokenGraceMs ?? DOORBELL_PUSH_DEFAULTS.actionTokenGraceMs;
  }

  /** The text push, sent the moment the visitor rings. */
  ring(call: DoorbellCall, accountIds: readonly string[]): Promise<FanOutReport> {
    return this.#ringing('ring', call, accountIds, undefined);
  }

  /** The second push with the visitor's snapshot (a signed URL): same tag, alerts again. */
  ringSnapshot(
    call: DoorbellCall,
    accountIds: readonly string[],
    imageUrl: string,
  ): Promise<FanOutReport> {
    return this.#ringing('ring-snapshot', call, accountIds, imageUrl);
  }

  /**
   * Replaces the ringing notification on the other devices with a visible "Answered by <name>
   * on <device>" (never a silent push: browsers penalise pushes that show nothing).
   */
  answeredElsewhere(
    call: DoorbellCall,
    accountIds: readonly string[],
    by: CallAnswerer,
  ): Promise<FanOutReport> {
    return this.#inform('answered', call, accountIds, {
      title: `${call.doorName}: answered`,
      body: `Answered by ${by.name} on ${by.deviceLabel}`,
      url: `/calls/${call.callId}`,
    });
  }

  /** Replaces the ringing notification with "Missed call". */
  missed(call: DoorbellCall, accountIds: readonly string[]): Promise<FanOutReport> {
    return this.#inform('missed', call, accountIds, {
      title: `Missed call at ${call.doorName}`,
      body: 'Nobody answered the door',
      url: `/calls/${call.callId}`,
    });
  }

  /** The visitor left a video message. */
  message(call: DoorbellCall, accountIds: readonly string[]): Promise<FanOutReport> {
    return this.#inform('message', call, accountIds, {
      title: `New message at ${call.doorName}`,
      body: 'A visitor left a video message',
      url: `/calls/${call.callId}`,
    });
  }

  async #ringing(
    type: 'ring' | 'ring-snapshot',
    call: DoorbellCall,
    accountIds: readonly string[],
    image: string | undefined,
  ): Promise<FanOutReport> {
    const now = this.#now();
    const leftMs = call.startedAt + call.ringWindowMs - now;
    if (leftMs <= 0) return { sent: [], skipped: [] };
    const expiresAt = call.startedAt + call.ringWindowMs + this.#grace;
    const tokens = new Map<string, string>();
    return this.#fanOut(
      call,
      accountIds,
      (sub) => {
        let actionToken = tokens.get(sub.accountId);
        if (!actionToken) {
          actionToken = this.#o.actionTokens.mint({
            action: 'decline',
            accountId: sub.accountId,
            callId: call.callId,
            expiresAt,
          });
          tokens.set(sub.accountId, actionToken);
        }
        return this.#payload(type, call, {
          title: `Someone is at ${call.doorName}`,
          body: type === 'ring' ? 'Tap to answer' : 'Tap to answer and see who it is',
          url: `/calls/${call.callId}`,
          actions: ['answer', 'decline'],
          renotify: true,
          requireInteraction: true,
          ...(image ? { image } : {}),
          actionToken,
        });
      },
      {
        urgency: 'high',
        ttlSeconds: Math.max(1, Math.ceil(leftMs / 1000)),
        topic: topicFor(call.callId),
      },
    );
  }

  #inform(
    type: Exclude<PushType, 'ring' | 'ring-snapshot' | 'test'>,
    call: DoorbellCall,
    accountIds: readonly string[],
    text: { title: string; body: string; url: string },
  ): Promise<FanOutReport> {
    return this.#fanOut(
      call,
      accountIds,
      () =>
        this.#payload(type, call, {
          ...text,
          actions: [],
          renotify: false,
          requireInteraction: false,
        }),
      // High urgency for "answered": it has to stop the ring on a dozing phone now.
      {
        urgency: type === 'answered' ? 'high' : 'normal',
        ttlSeconds: this.#infoTtl,
        topic: topicFor(call.callId),
      },
    );
  }

  #payload(
    type: PushType,
    call: DoorbellCall,
    p: {
      title: string;
      body: string;
      url: string;
      actions: PushAction[];
      renotify: boolean;
      requireInteraction: boolean;
      image?: string;
      actionToken?: string;
    },
  ): PushPayload {
    return {
      v: PUSH_PAYLOAD_VERSION,
      type,
      callId: call.callId,
      siteId: call.siteId,
      doorId: call.doorId,
      tag: call.callId,
      timestamp: this.#now(),
      ...p,
    };
  }

  #fanOut(
    call: DoorbellCall,
    accountIds: readonly string[],
    payloadFor: (sub: PushSubscriptionRecord) => PushPayload,
    delivery: PushDelivery,
  ): Promise<FanOutReport> {
    return fanOut(
      { subscriptions: this.#o.subscriptions, sender: this.#o.sender, logger },
      { siteId: call.siteId, deviceId: call.doorId, log: { callId: call.callId } },
      accountIds,
      payloadFor,
      delivery,
      this.#now(),
    );
  }
}
