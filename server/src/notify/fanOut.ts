import type { PushPayload } from '@porchlight/protocol';
import type { Logger } from '@porchlight/runtime';
import type {
  PushSubscriptionRecord,
  PushSubscriptionRepository,
} from '../store/repositories/PushSubscriptionRepository.ts';
import type { FanOutReport } from './DoorbellPushTypes.ts';
import type { PushDelivery, PushSender } from './PushSender.ts';
import { inQuietHours, wantsDevice } from './settings.ts';

export interface FanOutDeps {
  subscriptions: Pick<PushSubscriptionRepository, 'listForAccounts'>;
  sender: PushSender;
  logger: Logger;
}

/**
 * Sends one push to every subscribed browser of `accountIds` that wants the device (its per-browser
 * choice of doors and cameras) and is not in its quiet hours, and says what became of each. A
 * store failure is logged and sends nothing: an alert is never worth a crash.
 */
export async function fanOut(
  deps: FanOutDeps,
  /** `deviceId` null: about the whole site (alarms), where the per-browser device choice does not apply. */
  about: { siteId: string; deviceId: string | null; log: Record<string, string> },
  accountIds: readonly string[],
  payloadFor: (sub: PushSubscriptionRecord) => PushPayload,
  delivery: PushDelivery,
  now: number,
): Promise<FanOutReport> {
  let all: PushSubscriptionRecord[];
  try {
    all = await deps.subscriptions.listForAccounts([...new Set(accountIds)]);
  } catch (error) {
    deps.logger.error('cannot read push subscriptions; nothing pushed', { ...about.log, error });
    return { sent: [], skipped: [] };
  }
  const skipped: FanOutReport['skipped'] = [];
  const chosen: PushSubscriptionRecord[] = [];
  for (const sub of all) {
    if (about.deviceId !== null && !wantsDevice(sub.settings, about.siteId, about.deviceId))
      skipped.push({ subscriptionId: sub.id, reason: 'device' });
    else if (inQuietHours(sub.settings, now))
      skipped.push({ subscriptionId: sub.id, reason: 'quiet-hours' });
    else chosen.push(sub);
  }
  const jobs = chosen.map((subscription) => ({ subscription, payload: payloadFor(subscription) }));
  const outcomes = await deps.sender.sendMany(jobs, delivery);
  return {
    sent: chosen.map((s, i) => ({
      subscriptionId: s.id,
      accountId: s.accountId,
      outcome: outcomes[i]!,
    })),
    skipped,
  };
}
