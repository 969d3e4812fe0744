import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/createStore.ts';
import { CHECKPOINT_HOUR } from '../../../src/store/repositories/UsageRepository.ts';
import { account, grant, seedSite, site, type ContractScope } from './fixtures.ts';

const H = 3_600_000;
const H0 = 1_700_000_000_000 - (1_700_000_000_000 % H);

export function usageContract(scope: ContractScope): void {
  describe('usage rollups', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });

    const row = (hour: number, siteId: string, deviceId: string, dimension: string, q: string) => ({
      hour,
      siteId,
      deviceId,
      dimension,
      quantity: q,
    });

    it('adds counters, sets channels and checkpoints, and skips a retried batch', async () => {
      const batch1 = [
        row(H0, 's1', 'd1', 'ingestBytes', '1000'),
        row(H0, 's1', 'd1', 'ingestBytes', '24'),
        row(H0, 's1', 'd1', 'activeChannels', '1'),
        row(CHECKPOINT_HOUR, 's1', 'd1', '@storedBytes', '500'),
      ];
      await store.usage.apply('b1', batch1);
      await store.usage.apply('b1', batch1); // the same flush retried: nothing changes
      await store.usage.apply('b2', [
        row(H0, 's1', 'd1', 'ingestBytes', '1'),
        row(H0, 's1', 'd1', 'activeChannels', '1'),
        row(CHECKPOINT_HOUR, 's1', 'd1', '@storedBytes', '700'),
        row(H0 + H, 's1', 'd2', 'signalingMessages', '7'),
      ]);
      const range = { siteId: 's1', from: H0, to: H0 + 2 * H };
      expect(await store.usage.hourly(range)).toEqual([
        { hour: H0, dimension: 'ingestBytes', quantity: '1025' },
        { hour: H0 + H, dimension: 'signalingMessages', quantity: '7' },
      ]);
      expect(await store.usage.channels(range)).toEqual([{ hour: H0, deviceId: 'd1' }]);
      expect(await store.usage.hourly({ ...range, deviceId: 'd2' })).toEqual([
        { hour: H0 + H, dimension: 'signalingMessages', quantity: '7' },
      ]);
      expect(await store.usage.hourly({ ...range, to: H0 + H })).toHaveLength(1);
      expect(await store.usage.checkpoints()).toEqual([
        row(CHECKPOINT_HOUR, 's1', 'd1', '@storedBytes', '700'),
      ]);
      expect(await store.usage.hourly({ siteId: "s1' OR '1'='1", from: 0, to: H0 * 2 })).toEqual(
        [],
      );
    });

    it('sums exactly beyond 2^53 and refuses values that are no BIGINT', async () => {
      await store.usage.apply('a', [
        row(H0, 's1', 'd1', 'storedByteSeconds', '4000000000000000001'),
      ]);
      await store.usage.apply('b', [
        row(H0 + H, 's1', 'd1', 'storedByteSeconds', '4000000000000000002'),
      ]);
      const hours = await store.usage.hourly({ siteId: 's1', from: H0, to: H0 + 2 * H });
      expect(hours.map((h) => h.quantity)).toEqual(['4000000000000000001', '4000000000000000002']);
      await expect(
        store.usage.apply('c', [row(H0, 's1', 'd1', 'ingestBytes', '-1')]),
      ).rejects.toThrow(RangeError);
      await expect(
        store.usage.apply('c', [row(H0, 's1', 'd1', 'ingestBytes', '1e3')]),
      ).rejects.toThrow(RangeError);
    });

    it("an account's scope is the sites it owns; TURN comes from the TURN meter", async () => {
      const { owner, home, camera } = await seedSite(store);
      const other = site();
      await store.sites.create(other);
      const stranger = account();
      await store.accounts.create(stranger);
      await store.grants.create(grant(owner.id, home.id, { role: 'owner' }));
      await store.grants.create(grant(stranger.id, home.id, { role: 'member' }));
      await store.usage.apply('x', [
        row(H0, home.id, camera.id, 'hlsBytes', '10'),
        row(H0, other.id, 'dx', 'hlsBytes', '99'),
      ]);
      const period = { from: H0, to: H0 + H };
      expect(await store.usage.hourly({ accountId: owner.id, ...period })).toEqual([
        { hour: H0, dimension: 'hlsBytes', quantity: '10' },
      ]);
      expect(await store.usage.hourly({ accountId: stranger.id, ...period })).toEqual([]);

      const session = { principalKind: 'device', principalId: camera.id, siteId: home.id };
      await store.turnUsage.append({
        ...session,
        at: H0 + 5,
        durationSeconds: 61,
        bytesReceived: 100,
        bytesSent: 20,
      });
      await store.turnUsage.append({
        ...session,
        at: H0 + 6,
        durationSeconds: 60,
        bytesReceived: 1,
        bytesSent: 2,
      });
      await store.turnUsage.append({
        ...session,
        at: H0 + H,
        durationSeconds: 1,
        bytesReceived: 0,
        bytesSent: 0,
      });
      expect(await store.usage.turnHourly({ siteId: home.id, ...period })).toEqual([
        { hour: H0, minutes: '3', bytes: '123' },
      ]);
      expect(
        await store.usage.turnHourly({ accountId: owner.id, deviceId: 'nope', ...period }),
      ).toEqual([]);
    });
  });
}
