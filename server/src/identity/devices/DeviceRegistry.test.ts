import { describe, expect, it } from 'vitest';
import { createStore } from '../../store/createStore.ts';
import type { Device } from '../../store/types.ts';
import { deviceRecord } from '../../../../tests/support/records.ts';
import { DeviceRegistry } from './DeviceRegistry.ts';
import { IdentityEvents } from '../IdentityEvents.ts';

describe('DeviceRegistry', () => {
  it('persists status changes and emits each one as a deviceStatus event', async () => {
    const store = await createStore({ url: 'sqlite::memory:' });
    await store.sites.create({ id: 's', name: 'Home', createdAt: 0 });
    await store.devices.create(
      deviceRecord('s', { id: 'd', credentialHash: 'h', credentialGeneration: 1, createdAt: 0 }),
    );
    const events = new IdentityEvents();
    const seen: Device[] = [];
    events.on('deviceStatus', (d) => seen.push(d));
    let t = 1000;
    const registry = new DeviceRegistry(store.devices, events, () => t);

    await registry.online('d', { address: '192.0.2.10', userAgent: 'Cam/1.0', firmware: '2.1' });
    t = 2000;
    await registry.bitrate('d', 812_345.6);
    t = 3000;
    await registry.offline('d');
    await registry.online('missing', { address: null, userAgent: null });

    expect(seen.map((d) => [d.online, d.lastSeenAt, d.bitrate])).toEqual([
      [true, 1000, null],
      [true, 2000, 812_346],
      [false, 3000, null],
    ]);
    const stored = (await store.devices.get('d'))!;
    expect(stored).toMatchObject({
      online: false,
      lastAddress: '192.0.2.10',
      userAgent: 'Cam/1.0',
      firmware: '2.1',
    });
    await store.close();
  });
});
