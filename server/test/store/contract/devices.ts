import { beforeEach, describe, expect, it } from 'vitest';
import { MissingReferenceError } from '../../../src/store/errors.ts';
import type { Store } from '../../../src/store/createStore.ts';
import { T0, device, code, seedSite as seedSiteIn, type ContractScope } from './fixtures.ts';

export function devicesContract(scope: ContractScope): void {
  describe('devices', () => {
    let store: Store;
    beforeEach(() => {
      store = scope.store;
    });
    const seedSite = (): ReturnType<typeof seedSiteIn> => seedSiteIn(store);

    it('round-trips every field and lists by site', async () => {
      const { home, camera } = await seedSite();
      const bell = device(home.id, {
        kind: 'doorbell',
        createdAt: T0 + 1,
        credentialHash: 'sha256-of-credential',
        credentialGeneration: 3,
        revokedAt: T0 + 2,
        online: true,
        lastSeenAt: T0 + 3,
        lastAddress: '2001:db8::1',
        userAgent: 'porchlight-bell/2.1',
        firmware: '2.1.0-rc.1',
        bitrate: 1_250_000.5,
      });
      await store.devices.create(bell);
      expect(await store.devices.get(bell.id)).toStrictEqual(bell);
      expect(await store.devices.get(camera.id)).toStrictEqual(camera);
      expect(await store.devices.list(home.id)).toStrictEqual([camera, bell]);
      expect(await store.devices.list('nope')).toStrictEqual([]);
      expect(await store.devices.get('nope')).toBeNull();
    });

    it('refuses a device of an unknown site', async () => {
      await expect(store.devices.create(device('ghost'))).rejects.toBeInstanceOf(
        MissingReferenceError,
      );
    });

    it('updates credentials and revocation', async () => {
      const { camera } = await seedSite();
      expect(
        await store.devices.update(camera.id, {
          credentialHash: 'h1',
          credentialGeneration: 1,
          name: 'Back door',
        }),
      ).toBe(true);
      expect(await store.devices.update(camera.id, { revokedAt: T0 + 7 })).toBe(true);
      expect(await store.devices.get(camera.id)).toStrictEqual({
        ...camera,
        credentialHash: 'h1',
        credentialGeneration: 1,
        name: 'Back door',
        revokedAt: T0 + 7,
      });
      expect(await store.devices.update(camera.id, { credentialHash: null, revokedAt: null })).toBe(
        true,
      );
      expect((await store.devices.get(camera.id))?.credentialHash).toBeNull();
      expect(await store.devices.update('nope', { name: 'x' })).toBe(false);
    });

    it('updates registry status, leaving unpatched fields alone', async () => {
      const { camera } = await seedSite();
      const status = {
        online: true,
        lastSeenAt: T0 + 5,
        lastAddress: '203.0.113.9',
        userAgent: 'cam/1.0',
        firmware: '1.2.3',
        bitrate: 2_500_000,
      };
      expect(await store.devices.updateStatus(camera.id, status)).toBe(true);
      expect(await store.devices.get(camera.id)).toStrictEqual({ ...camera, ...status });
      expect(
        await store.devices.updateStatus(camera.id, { online: false, lastAddress: null }),
      ).toBe(true);
      expect(await store.devices.get(camera.id)).toStrictEqual({
        ...camera,
        ...status,
        online: false,
        lastAddress: null,
      });
      expect(await store.devices.updateStatus(camera.id, {})).toBe(true);
      expect(await store.devices.updateStatus('nope', { online: true })).toBe(false);
      expect(await store.devices.updateStatus('nope', {})).toBe(false);
    });

    it('deleting a device removes its provisioning codes', async () => {
      const { home, camera } = await seedSite();
      await store.provisioningCodes.create(code(home.id, camera.id));
      expect(await store.devices.delete(camera.id)).toBe(true);
      expect(await store.devices.delete(camera.id)).toBe(false);
      expect(await store.provisioningCodes.list(home.id)).toStrictEqual([]);
      expect(await store.sites.get(home.id)).not.toBeNull();
    });
  });
}
