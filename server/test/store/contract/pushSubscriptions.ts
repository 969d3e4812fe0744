import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DuplicateError } from '../../../src/store/errors.ts';
import type { Store } from '../../../src/store/createStore.ts';
import type { PushSubscriptionRecord } from '../../../src/store/repositories/PushSubscriptionRepository.ts';
import { T0, seedSite as seedSiteIn, type ContractScope } from './fixtures.ts';

function subscription(
  accountId: string,
  over: Partial<PushSubscriptionRecord> = {},
): PushSubscriptionRecord {
  return {
    id: randomUUID(),
    accountId,
    endpoint: `https://push.example.com/${randomUUID()}`,
    p256dh: 'B'.padEnd(87, 'A'),
    auth: 'A'.repeat(22),
    label: null,
    userAgent: 'Mozilla/5.0 (Linux; Android 14)',
    settings: { devices: null, quietHours: null },
    createdAt: T0,
    lastSuccessAt: null,
    lastFailureAt: null,
    failures: 0,
    ...over,
  };
}

export function pushSubscriptionsContract(scope: ContractScope): void {
  describe('push subscriptions', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });

    it('round-trips settings JSON and looks up by id, endpoint and accounts', async () => {
      const { owner } = await seedSiteIn(store);
      const a = subscription(owner.id, {
        label: 'Pixel',
        settings: {
          devices: [{ siteId: 's1', deviceId: 'd1' }],
          quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' },
        },
      });
      const b = subscription(owner.id, { createdAt: T0 + 1 });
      await store.pushSubscriptions.create(a);
      await store.pushSubscriptions.create(b);
      expect(await store.pushSubscriptions.get(a.id)).toStrictEqual(a);
      expect(await store.pushSubscriptions.getByEndpoint(b.endpoint)).toStrictEqual(b);
      expect(await store.pushSubscriptions.listForAccount(owner.id)).toStrictEqual([a, b]);
      expect(await store.pushSubscriptions.listForAccounts([owner.id, 'nobody'])).toStrictEqual([
        a,
        b,
      ]);
      expect(await store.pushSubscriptions.listForAccounts([])).toStrictEqual([]);
      await expect(
        store.pushSubscriptions.create(subscription(owner.id, { endpoint: a.endpoint })),
      ).rejects.toBeInstanceOf(DuplicateError);
    });

    it('updates, counts delivery, deletes, and goes with its account', async () => {
      const { owner } = await seedSiteIn(store);
      const s = subscription(owner.id);
      await store.pushSubscriptions.create(s);
      const settings = {
        devices: null,
        quietHours: { start: '01:00', end: '02:00', timeZone: 'UTC' },
      };
      expect(await store.pushSubscriptions.update(s.id, { label: 'Phone', settings })).toBe(true);
      await store.pushSubscriptions.recordFailure(s.id, T0 + 1);
      await store.pushSubscriptions.recordFailure(s.id, T0 + 2);
      expect(await store.pushSubscriptions.get(s.id)).toMatchObject({
        label: 'Phone',
        settings,
        failures: 2,
        lastFailureAt: T0 + 2,
      });
      await store.pushSubscriptions.recordSuccess(s.id, T0 + 3);
      expect(await store.pushSubscriptions.get(s.id)).toMatchObject({
        failures: 0,
        lastSuccessAt: T0 + 3,
      });
      expect(await store.pushSubscriptions.update('nope', { label: 'x' })).toBe(false);
      expect(await store.pushSubscriptions.delete(s.id)).toBe(true);
      expect(await store.pushSubscriptions.delete(s.id)).toBe(false);
      const kept = subscription(owner.id);
      await store.pushSubscriptions.create(kept);
      await store.executor.query('DELETE FROM accounts WHERE id = ?', [owner.id]);
      expect(await store.pushSubscriptions.get(kept.id)).toBeNull();
    });
  });
}
