import type { RateLimits } from '../limits/RateLimits.ts';
import type https from 'node:https';
import type { PushSubscriptionRepository } from '../store/repositories/PushSubscriptionRepository.ts';
import { ActionTokens } from './ActionTokens.ts';
import { AlarmPush } from './AlarmPush.ts';
import { DetectionPush } from './DetectionPush.ts';
import { DoorbellPush } from './DoorbellPush.ts';
import type { LookupAll } from './endpointGuard.ts';
import type { DeclinePort } from './DoorbellPushTypes.ts';
import { NotificationService } from './NotificationService.ts';
import { PushSender } from './PushSender.ts';
import { loadOrCreateVapidKeys, type VapidKeys } from './vapid.ts';

export interface NotifyConfig {
  /** VAPID `sub` claim: `mailto:` or `https:` contact for push services. */
  vapidSubject: string;
  /** Accept push endpoints on loopback/private addresses (tests only). */
  allowPrivateEndpoints: boolean;
}

export interface NotifyOptions {
  config: NotifyConfig;
  dataDir: string;
  /** The server secret; the decline-token key is derived from it. */
  secret: string;
  subscriptions: PushSubscriptionRepository;
  /** The calls module's decline, for a notification's Decline button (or `api.connectCalls`). */
  decline?: DeclinePort | undefined;
  /** TLS agent for push services (tests trust their receiver's CA with it). */
  agent?: https.Agent | undefined;
  /** Resolver of endpoint names at subscribe time. Default: the system's. */
  lookup?: LookupAll;
  /** Where the notification action limit lives (Redis in a cluster). Default: in memory. */
  limits?: RateLimits;
  now?: () => number;
}

/** The notify module: VAPID keys, the sender, the REST port and the doorbell adapter. */
export interface Notify {
  vapid: VapidKeys;
  sender: PushSender;
  /** Signs and checks the Decline tokens in ring payloads. */
  actionTokens: ActionTokens;
  /** What REST handlers call (ApiContext.notifications). */
  api: NotificationService;
  /** What the composition root connects to the calls module's events. */
  doorbell: DoorbellPush;
  /** What the composition root connects to the detection events. */
  detection: DetectionPush;
  /** Alarm state changes (a Notifier the alarms module is given). */
  alarms: AlarmPush;
}

export function createNotify(o: NotifyOptions): Notify {
  const vapid = loadOrCreateVapidKeys(o.dataDir);
  const now = o.now ?? Date.now;
  const sender = new PushSender({
    vapid,
    subject: o.config.vapidSubject,
    subscriptions: o.subscriptions,
    agent: o.agent,
    allowPrivateEndpoints: o.config.allowPrivateEndpoints,
    now,
  });
  const actionTokens = new ActionTokens(o.secret, now);
  return {
    vapid,
    sender,
    actionTokens,
    api: new NotificationService({
      publicKey: vapid.publicKey,
      subscriptions: o.subscriptions,
      sender,
      actionTokens,
      ...(o.decline ? { decline: o.decline } : {}),
      allowPrivateEndpoints: o.config.allowPrivateEndpoints,
      ...(o.lookup ? { lookup: o.lookup } : {}),
      ...(o.limits ? { limits: o.limits } : {}),
      now,
    }),
    doorbell: new DoorbellPush({ subscriptions: o.subscriptions, sender, actionTokens, now }),
    detection: new DetectionPush({ subscriptions: o.subscriptions, sender, now }),
    alarms: new AlarmPush({ subscriptions: o.subscriptions, sender, now }),
  };
}
