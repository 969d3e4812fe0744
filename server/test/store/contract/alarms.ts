import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/createStore.ts';
import type { AlarmRecord } from '../../../src/store/repositories/AlarmRepository.ts';
import { seedSite, T0, type ContractScope } from './fixtures.ts';

const rule = (siteId: string, over: Partial<AlarmRecord> = {}): AlarmRecord => ({
  id: `alarm-${Math.random().toString(36).slice(2)}`,
  siteId,
  kind: 'stream-down',
  deviceId: null,
  threshold: 12.5,
  periodSeconds: 60,
  datapointsToAlarm: 2,
  evaluationPeriods: 3,
  enabled: true,
  isDefault: false,
  createdAt: T0,
  updatedAt: T0,
  state: 'INSUFFICIENT_DATA',
  reason: 'not evaluated yet',
  value: null,
  stateChangedAt: T0,
  evaluatedAt: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  mutedUntil: null,
  ...over,
});

export function alarmsContract(scope: ContractScope): void {
  describe('Alarms', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });

    it('stores rules with their state exactly, per site, enabled ones for the evaluator', async () => {
      const { home, camera } = await seedSite(store);
      const a = rule(home.id, { deviceId: camera.id, threshold: 0.125 });
      const b = rule(home.id, {
        kind: 'disk-free',
        threshold: 2 ** 40,
        enabled: false,
        isDefault: true,
        createdAt: T0 + 1,
      });
      await store.alarms.create(a);
      await store.alarms.create(b);
      expect(await store.alarms.get(a.id)).toStrictEqual(a);
      expect(await store.alarms.listForSite(home.id)).toStrictEqual([a, b]);
      expect((await store.alarms.listEnabled()).map((r) => r.id)).toStrictEqual([a.id]);

      expect(
        await store.alarms.updateRule(b.id, { enabled: true, threshold: 5, updatedAt: 9 }),
      ).toBe(true);
      expect(
        await store.alarms.updateState(a.id, {
          state: 'ALARM',
          reason: 'down 301 s',
          value: 301.5,
          stateChangedAt: T0 + 5,
          evaluatedAt: T0 + 5,
          acknowledgedAt: T0 + 6,
          acknowledgedBy: 'acct',
          mutedUntil: T0 + 7,
        }),
      ).toBe(true);
      expect(await store.alarms.get(a.id)).toStrictEqual({
        ...a,
        state: 'ALARM',
        reason: 'down 301 s',
        value: 301.5,
        stateChangedAt: T0 + 5,
        evaluatedAt: T0 + 5,
        acknowledgedAt: T0 + 6,
        acknowledgedBy: 'acct',
        mutedUntil: T0 + 7,
      });
      expect((await store.alarms.get(b.id))?.threshold).toBe(5);
      expect(await store.alarms.updateState('missing', { state: 'OK' })).toBe(false);
    });

    it('keeps history newest first with a cursor, deleted with its rule, device and site', async () => {
      const { home, camera } = await seedSite(store);
      const a = rule(home.id, { deviceId: camera.id });
      await store.alarms.create(a);
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(
          await store.alarms.appendHistory({
            alarmId: a.id,
            siteId: home.id,
            kind: a.kind,
            deviceId: camera.id,
            at: T0 + i,
            type: i === 4 ? 'acknowledged' : 'state',
            from: i === 4 ? null : 'OK',
            to: i === 4 ? null : 'ALARM',
            value: i === 4 ? null : i + 0.5,
            reason: `r${i}`,
            actor: i === 4 ? 'acct' : null,
          }),
        );
      }
      const first = await store.alarms.history({ siteId: home.id, limit: 2 });
      expect(first.map((e) => e.id)).toStrictEqual([ids[4], ids[3]]);
      expect(first[0]).toMatchObject({ type: 'acknowledged', from: null, actor: 'acct' });
      expect(first[1]).toMatchObject({ from: 'OK', to: 'ALARM', value: 3.5, reason: 'r3' });
      const next = await store.alarms.history({ siteId: home.id, before: ids[3], limit: 10 });
      expect(next.map((e) => e.id)).toStrictEqual([ids[2], ids[1], ids[0]]);
      expect(await store.alarms.history({ siteId: home.id, alarmId: 'x', limit: 10 })).toEqual([]);

      await store.devices.delete(camera.id);
      expect(await store.alarms.get(a.id)).toBeNull();
      expect(await store.alarms.history({ siteId: home.id, limit: 10 })).toEqual([]);
    });

    it('claims a site for its defaults once, even after the rules are gone', async () => {
      const { home } = await seedSite(store);
      expect(await store.alarms.claimDefaults(home.id, T0)).toBe(true);
      expect(await store.alarms.claimDefaults(home.id, T0 + 1)).toBe(false);
      const r = rule(home.id);
      await store.alarms.create(r);
      expect(await store.alarms.delete(r.id)).toBe(true);
      expect(await store.alarms.delete(r.id)).toBe(false);
      expect(await store.alarms.claimDefaults(home.id, T0 + 2)).toBe(false);
      await store.sites.delete(home.id);
      expect(await store.alarms.listForSite(home.id)).toEqual([]);
    });
  });
}
