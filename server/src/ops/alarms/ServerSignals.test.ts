import { describe, expect, it } from 'vitest';
import { deviceRecord } from '../../../../tests/support/records.ts';
import type { Room } from '../../media/Room.ts';
import type { Device } from '../../store/repositories/DeviceRepository.ts';
import { EventCounter } from './EventCounter.ts';
import { ServerSignals } from './ServerSignals.ts';
import { StreamWatch, type RoomSource } from './StreamWatch.ts';

const SITE = 'site-1';
const period = (now: number) => ({ from: now - 60_000, now });

function signals(o: {
  devices: Device[];
  now: () => number;
  quota?: number;
  turn?: boolean | null;
}) {
  const rooms: RoomSource = { rooms: new Map<string, Room>(), on: () => undefined };
  const deaths = new EventCounter({ keepMs: 86_400_000 });
  return {
    deaths,
    s: new ServerSignals({
      devices: {
        get: async (id) => o.devices.find((d) => d.id === id) ?? null,
        list: async (siteId) => o.devices.filter((d) => d.siteId === siteId),
      },
      streams: new StreamWatch(rooms, o.now),
      recordings: null,
      storage: {
        totalStoredBytes: async () => 250,
        capacity: async () => ({ totalBytes: 1000, freeBytes: 400 }),
        quotaBytes: o.quota ?? 0,
      },
      workerDeaths: deaths,
      turnHealthy: () => o.turn ?? null,
      databaseErrors: new EventCounter({ keepMs: 86_400_000 }),
      pushFailures: new EventCounter({ keepMs: 86_400_000 }),
    }),
  };
}

describe('ServerSignals', () => {
  it('stream-down: site-wide watches cameras only, a targeted rule any device; missing without one', async () => {
    let now = 1_000_000;
    const camera = deviceRecord(SITE, { createdAt: 0 });
    const bell = deviceRecord(SITE, { kind: 'doorbell', createdAt: 0 });
    const revoked = deviceRecord(SITE, { revokedAt: 5 });
    const { s } = signals({ devices: [camera, bell, revoked], now: () => now });
    now += 30_000;
    expect(await s.sample('stream-down', { siteId: SITE, deviceId: null }, period(now))).toBe(30);
    expect(await s.sample('stream-down', { siteId: SITE, deviceId: bell.id }, period(now))).toBe(
      30,
    );
    const { s: empty } = signals({ devices: [bell], now: () => now });
    expect(
      await empty.sample('stream-down', { siteId: SITE, deviceId: null }, period(now)),
    ).toBeNull();
    // Another site's device named as the target is no datapoint.
    expect(
      await s.sample('stream-down', { siteId: 'other', deviceId: camera.id }, period(now)),
    ).toBeNull();
  });

  it('storage, workers, TURN and missing data', async () => {
    const now = 5_000_000;
    const { s, deaths } = signals({ devices: [], now: () => now, quota: 500, turn: false });
    const at = { siteId: SITE, deviceId: null };
    expect(await s.sample('storage-quota', at, period(now))).toBe(50);
    expect(await s.sample('disk-free', at, period(now))).toBe(400);
    expect(await s.sample('recording-stalled', at, period(now))).toBeNull();
    expect(await s.sample('turn-unhealthy', at, period(now))).toBe(1);
    deaths.record(now - 3_700_000); // over an hour ago
    deaths.record(now - 10);
    expect(await s.sample('worker-restarts', at, period(now))).toBe(1);
    const { s: noQuota } = signals({ devices: [], now: () => now });
    expect(await noQuota.sample('storage-quota', at, period(now))).toBe(60); // the volume's fill
    expect(await noQuota.sample('turn-unhealthy', at, period(now))).toBeNull();
  });
});
