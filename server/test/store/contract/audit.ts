import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/createStore.ts';
import type { AuditQuery } from '../../../src/store/types.ts';
import type { NewAuditEvent } from '../../../src/store/types.ts';
import { T0, auditEvent, type ContractScope } from './fixtures.ts';

export function auditContract(scope: ContractScope): void {
  describe('audit', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });

    it('appends with increasing ids and round-trips JSON detail', async () => {
      const detail = {
        nested: { list: [1, 'two', null, true, false, { deep: 1.5 }] },
        big: Number.MAX_SAFE_INTEGER,
        negative: -42,
        float: 0.1 + 0.2,
        tiny: 5e-324,
        unicode: '🔥 שלום',
        empty: {},
        none: [],
      };
      const first = auditEvent({ detail });
      const second = auditEvent({
        at: T0 + 1,
        actorType: 'system',
        actorId: null,
        action: 'device.provision',
        resource: 'site/s1/device/d1',
        outcome: 'denied',
        ip: null,
      });
      const id1 = await store.audit.append(first);
      const id2 = await store.audit.append(second);
      expect(Number.isInteger(id1)).toBe(true);
      expect(id2).toBeGreaterThan(id1);
      expect(await store.audit.query({})).toStrictEqual([
        { id: id2, ...second },
        { id: id1, ...first },
      ]);
    });

    it('filters by site, actor, action and time, newest first', async () => {
      const add = (over: Partial<NewAuditEvent>) => store.audit.append(auditEvent(over));
      const e1 = await add({ at: T0, actorId: 'a1', action: 'auth.login', resource: null });
      const e2 = await add({
        at: T0 + 1,
        actorId: 'a1',
        action: 'grant.create',
        resource: 'site/S',
      });
      const e3 = await add({ at: T0 + 2, actorId: 'a2', resource: 'site/S/device/D' });
      const e4 = await add({
        at: T0 + 3,
        actorId: 'a2',
        action: 'grant.create',
        resource: 'site/S2',
      });
      const e5 = await add({ at: T0 + 4, actorId: null, resource: 'site/S-1/device/D' });
      const e6 = await add({ at: T0 + 5, actorId: 'a1', resource: 'other/site/S' });
      const e7 = await add({ at: T0 + 6, actorId: 'a1', resource: 'site/S_/x' });
      const e8 = await add({ at: T0 + 7, actorId: 'a1', resource: 'site/S/' });
      const ids = async (q: AuditQuery) => (await store.audit.query(q)).map((e) => e.id);

      expect(await ids({})).toStrictEqual([e8, e7, e6, e5, e4, e3, e2, e1]);
      expect(await ids({ siteId: 'S' })).toStrictEqual([e8, e3, e2]);
      expect(await ids({ siteId: 'S_' })).toStrictEqual([e7]);
      // Wildcards in an id are literal: neither % nor _ may widen the match.
      expect(await ids({ siteId: '%' })).toStrictEqual([]);
      expect(await ids({ siteId: '_' })).toStrictEqual([]);
      expect(await ids({ siteId: 'S-1' })).toStrictEqual([e5]);
      expect(await ids({ actorId: 'a1' })).toStrictEqual([e8, e7, e6, e2, e1]);
      expect(await ids({ action: 'grant.create' })).toStrictEqual([e4, e2]);
      expect(await ids({ since: T0 + 6 })).toStrictEqual([e8, e7]);
      expect(await ids({ until: T0 + 1 })).toStrictEqual([e2, e1]);
      expect(await ids({ since: T0 + 2, until: T0 + 3 })).toStrictEqual([e4, e3]);
      expect(await ids({ siteId: 'S', action: 'grant.create', actorId: 'a1' })).toStrictEqual([e2]);
      expect(await ids({ siteId: 'S', since: T0 + 2, until: T0 + 6 })).toStrictEqual([e3]);
      expect(await ids({ limit: 3 })).toStrictEqual([e8, e7, e6]);
      expect(await ids({ actorId: 'nobody' })).toStrictEqual([]);
    });

    it('filters by outcome and by an action prefix ending in a dot, byte-wise', async () => {
      const add = (over: Partial<NewAuditEvent>) => store.audit.append(auditEvent(over));
      const a = await add({ action: 'grant.create', outcome: 'success' });
      const b = await add({ action: 'grant.revoke', outcome: 'failure' });
      const c = await add({ action: 'grants.other', outcome: 'success' });
      const d = await add({ action: 'grant', outcome: 'denied' });
      const e = await add({ action: 'grant/x', outcome: 'success' });
      const f = await add({ action: 'member:manage', outcome: 'denied' });
      const ids = async (q: AuditQuery) => (await store.audit.query(q)).map((x) => x.id);
      // Only what starts with "grant.": not "grants.", "grant" or "grant/" (the range's end).
      expect(await ids({ action: 'grant.' })).toStrictEqual([b, a]);
      expect(await ids({ action: 'grant' })).toStrictEqual([d]);
      expect(await ids({ outcome: 'denied' })).toStrictEqual([f, d]);
      expect(await ids({ outcome: 'success', action: 'grant.' })).toStrictEqual([a]);
      expect(await ids({ outcome: 'failure' })).toStrictEqual([b]);
      expect(await ids({})).toStrictEqual([f, e, d, c, b, a]);
    });

    it('pages with `before`, newest first, without gaps or overlap', async () => {
      const all: number[] = [];
      for (let i = 0; i < 10; i++) all.push(await store.audit.append(auditEvent({ at: T0 + i })));
      const newestFirst = [...all].reverse();
      const seen: number[] = [];
      let before: number | undefined;
      for (;;) {
        const page = await store.audit.query({
          limit: 3,
          ...(before !== undefined ? { before } : {}),
        });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(3);
        seen.push(...page.map((e) => e.id));
        before = page[page.length - 1]!.id;
      }
      expect(seen).toStrictEqual(newestFirst);
      expect(
        (await store.audit.query({ before: all[5]!, actorId: 'someone' })).map((e) => e.id),
      ).toStrictEqual(newestFirst.slice(5));
    });

    it('returns 100 events by default and at most 1000', async () => {
      await Promise.all(
        Array.from({ length: 1001 }, (_, i) => store.audit.append(auditEvent({ at: T0 + i }))),
      );
      expect(await store.audit.query({})).toHaveLength(100);
      expect(await store.audit.query({ limit: 5000 })).toHaveLength(1000);
      expect(await store.audit.query({ limit: 1000 })).toHaveLength(1000);
    });
  });
}
