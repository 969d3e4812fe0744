import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/createStore.ts';
import type { DoorSettings } from '../../../src/store/repositories/DoorRepository.ts';
import type { CallRow } from '../../../src/store/repositories/CallRepository.ts';
import { deviceRecord } from '../../../../tests/support/records.ts';
import { type ContractScope } from './fixtures.ts';

export function doorbellContract(scope: ContractScope): void {
  describe('doorbell (doors, door tokens, calls)', () => {
    let store: Store;
    let siteId: string;
    let doorId: string;
    const settings = (): DoorSettings => ({
      deviceId: doorId,
      siteId,
      displayName: null,
      dndEnabled: false,
      dndSchedule: [{ days: [1, 2], start: '22:00', end: '07:00' }],
      dndTimeZone: 'Europe/Berlin',
      ringWindowSeconds: 30,
      quickReplies: ['Coming!', 'Bitte warten – ünïcödé'],
      unlockUrl: null,
      unlockSecret: null,
      tokenGeneration: 0,
      updatedAt: 1000,
    });
    const call = (over: Partial<CallRow> = {}): CallRow => ({
      id: randomUUID(),
      siteId,
      doorId,
      via: 'link',
      startedAt: 1000,
      ringWindowMs: 30_000,
      outcome: null,
      answeredBy: null,
      answeredAt: null,
      endedAt: null,
      durationSeconds: 0,
      snapshotRef: null,
      messageRef: null,
      ...over,
    });

    beforeEach(async () => {
      store = scope.store;
      siteId = randomUUID();
      await store.sites.create({ id: siteId, name: 'Home', createdAt: 1 });
      const d = deviceRecord(siteId, { kind: 'doorbell' });
      doorId = d.id;
      await store.devices.create(d);
    });

    it('keeps door settings exactly; ensure never overwrites; patches and generations', async () => {
      await store.doors.ensure(settings());
      await store.doors.ensure({ ...settings(), ringWindowSeconds: 99 });
      expect(await store.doors.get(doorId)).toEqual(settings());
      await store.doors.update(doorId, {
        dndEnabled: true,
        unlockUrl: 'https://lock.local/open',
        unlockSecret: 's'.repeat(16),
        updatedAt: 2000,
      });
      expect(await store.doors.get(doorId)).toMatchObject({
        dndEnabled: true,
        unlockUrl: 'https://lock.local/open',
        updatedAt: 2000,
      });
      expect(await store.doors.bumpGeneration(doorId, 3000)).toBe(1);
      expect(await store.doors.bumpGeneration(doorId, 3000)).toBe(2);
    });

    it('lists only valid tokens of the current generation', async () => {
      await store.doors.ensure(settings());
      const t = (id: string, generation: number, createdAt: number) => ({
        id,
        doorId,
        generation,
        label: id,
        createdAt,
        revokedAt: null,
      });
      await store.doors.createToken(t('a', 0, 1));
      await store.doors.createToken(t('b', 0, 2));
      await store.doors.createToken(t('c', 1, 3));
      expect(await store.doors.revokeToken('b', 10)).toBe(true);
      expect(await store.doors.revokeToken('b', 20)).toBe(true);
      expect((await store.doors.getToken('b'))?.revokedAt).toBe(10);
      expect((await store.doors.listValidTokens(doorId, 0)).map((x) => x.id)).toEqual(['a']);
      expect((await store.doors.listValidTokens(doorId, 1)).map((x) => x.id)).toEqual(['c']);
    });

    it('keeps calls exactly, pages newest first, purges and ends dangling calls', async () => {
      const by = { accountId: 'acct', name: 'Olivia', deviceLabel: 'Pixel "8" ✓' };
      const a = call({ startedAt: 1000 });
      const b = call({ startedAt: 2000, via: 'doorbell' });
      const c = call({ startedAt: 3000 });
      for (const x of [a, b, c]) await store.calls.create(x);
      await store.calls.update(b.id, {
        answeredBy: by,
        answeredAt: 2500,
        outcome: 'answered',
        endedAt: 4000,
        durationSeconds: 2,
        snapshotRef: `${b.id}.jpg.enc`,
      });
      expect(await store.calls.get(b.id)).toEqual({
        ...b,
        answeredBy: by,
        answeredAt: 2500,
        outcome: 'answered',
        endedAt: 4000,
        durationSeconds: 2,
        snapshotRef: `${b.id}.jpg.enc`,
      });
      expect((await store.calls.listForDoor(doorId, { limit: 2 })).map((x) => x.id)).toEqual([
        c.id,
        b.id,
      ]);
      expect(
        (await store.calls.listForDoor(doorId, { before: 2000, limit: 2 })).map((x) => x.id),
      ).toEqual([a.id]);
      expect(await store.calls.endDangling(5000)).toBe(2);
      expect((await store.calls.get(a.id))?.outcome).toBe('missed');
      expect((await store.calls.listOlder(2500, 10)).map((x) => x.id)).toEqual([a.id, b.id]);
      expect(await store.calls.deleteOlder(2500)).toBe(2);
      expect(await store.calls.get(c.id)).not.toBeNull();
    });
  });
}
