import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/createStore.ts';
import {
  WebhookRepository,
  type DeliveryRow,
  type EndpointRow,
} from '../../../src/webhooks/WebhookRepository.ts';
import { seedSite, T0, type ContractScope } from './fixtures.ts';

const endpoint = (siteId: string, over: Partial<EndpointRow> = {}): EndpointRow => ({
  id: `ep-${Math.random().toString(36).slice(2)}`,
  siteId,
  url: 'https://hooks.example/porchlight?x=1',
  events: ['ring', 'clip.ready'],
  description: 'Zapier',
  enabled: true,
  disabledReason: null,
  secretSealed: 'sealed:v1:abc',
  previousSecretSealed: null,
  previousExpiresAt: null,
  rotatedAt: null,
  consecutiveDead: 0,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

const delivery = (
  endpointId: string,
  siteId: string,
  over: Partial<DeliveryRow> = {},
): DeliveryRow => ({
  id: `d-${Math.random().toString(36).slice(2)}`,
  endpointId,
  siteId,
  eventId: 'evt_1',
  eventType: 'ring',
  body: '{"id":"evt_1","data":{"name":"Fr\u00f6nt d\u00f6or \u{1F6AA}"}}',
  status: 'pending',
  attempts: 0,
  nextAttemptAt: T0,
  lastStatusCode: null,
  lastError: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

/** Webhook endpoints, the outbox and the attempt log (migration 012) in both dialects. */
export function webhooksContract(scope: ContractScope): void {
  describe('Webhooks', () => {
    let store: Store;
    let repo: WebhookRepository;
    beforeEach(() => {
      store = scope.store;
      repo = new WebhookRepository(store.executor);
    });

    it('stores endpoints and deliveries exactly, due ones in order, and counts dead letters', async () => {
      const { home } = await seedSite(store);
      const e = endpoint(home.id);
      await repo.createEndpoint(e);
      expect(await repo.getEndpoint(e.id)).toStrictEqual(e);
      expect(await repo.listEndpoints(home.id)).toStrictEqual([e]);
      const late = delivery(e.id, home.id, { nextAttemptAt: T0 + 5_000 });
      const early = delivery(e.id, home.id, { nextAttemptAt: T0 + 1_000, createdAt: T0 + 1 });
      await repo.createDelivery(late);
      await repo.createDelivery(early);
      expect(await repo.getDelivery(late.id)).toStrictEqual(late);
      expect((await repo.due(T0 + 2_000, 10)).map((d) => d.id)).toEqual([early.id]);
      expect((await repo.due(T0 + 9_000, 10)).map((d) => d.id)).toEqual([early.id, late.id]);
      expect(await repo.nextDue()).toBe(T0 + 1_000);
      await repo.updateDelivery(early.id, { status: 'dead', nextAttemptAt: null, attempts: 8 });
      expect((await repo.listDeliveries(e.id, 'dead', 10)).map((d) => d.id)).toEqual([early.id]);
      expect((await repo.listDeliveries(e.id, undefined, 10)).map((d) => d.id)).toEqual([
        early.id,
        late.id,
      ]);
      await repo.addAttempt({
        deliveryId: early.id,
        attempt: 1,
        at: T0,
        statusCode: 500,
        latencyMs: 12,
        error: 'HTTP 500',
        responseExcerpt: 'boom',
      });
      expect((await repo.listAttempts(early.id))[0]).toMatchObject({
        statusCode: 500,
        error: 'HTTP 500',
      });
      expect(await repo.countDeadLetter(e.id)).toBe(1);
      expect(await repo.countDeadLetter(e.id)).toBe(2);
      await repo.updateEndpoint(e.id, { events: ['ring'], enabled: false, disabledReason: 'x' });
      expect(await repo.getEndpoint(e.id)).toMatchObject({
        events: ['ring'],
        enabled: false,
        consecutiveDead: 2,
      });
      // Deleting the endpoint takes its deliveries and their attempts with it.
      expect(await repo.deleteEndpoint(e.id)).toBe(true);
      expect(await repo.getDelivery(early.id)).toBeNull();
      expect(await repo.listAttempts(early.id)).toEqual([]);
    });

    it('prunes finished deliveries before a time, never pending ones', async () => {
      const { home } = await seedSite(store);
      const e = endpoint(home.id);
      await repo.createEndpoint(e);
      const old = delivery(e.id, home.id, { status: 'delivered', updatedAt: T0 });
      const dead = delivery(e.id, home.id, { status: 'dead', updatedAt: T0 + 10 });
      const pending = delivery(e.id, home.id, { updatedAt: T0 });
      const recent = delivery(e.id, home.id, { status: 'delivered', updatedAt: T0 + 100 });
      for (const d of [old, dead, pending, recent]) await repo.createDelivery(d);
      expect(await repo.pruneFinished(T0 + 50)).toBe(2);
      expect((await repo.listDeliveries(e.id, undefined, 10)).map((d) => d.id).sort()).toEqual(
        [pending.id, recent.id].sort(),
      );
    });

    it('goes with its site', async () => {
      const { home } = await seedSite(store);
      const e = endpoint(home.id);
      await repo.createEndpoint(e);
      await repo.createDelivery(delivery(e.id, home.id));
      await store.sites.delete(home.id);
      expect(await repo.getEndpoint(e.id)).toBeNull();
      expect(await repo.nextDue()).toBeNull();
    });
  });
}
