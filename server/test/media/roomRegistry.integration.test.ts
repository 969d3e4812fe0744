import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomRegistry } from '../../src/media/RoomRegistry.ts';
import { WorkerPool } from '../../src/media/WorkerPool.ts';
import type { Room } from '../../src/media/Room.ts';

/** A room whose cluster preparation fails is never handed out unprepared (real mediasoup worker). */
describe('RoomRegistry with a failing preparer', () => {
  let pool: WorkerPool;

  beforeAll(async () => {
    pool = await WorkerPool.create({
      numWorkers: 1,
      listenIp: '127.0.0.1',
      announcedAddress: '127.0.0.1',
      rtcPort: 0,
      logLevel: 'warn',
    });
  });
  afterAll(async () => {
    await pool?.close();
  });

  it('fails the join, closes and unlists the room, and prepares afresh on the next join', async () => {
    const rooms = new RoomRegistry(pool, 600_000);
    const prepared: Room[] = [];
    let fail = true;
    rooms.setPreparer(async (room) => {
      if (fail) throw new Error('redis down');
      prepared.push(room);
    });
    await expect(rooms.getOrCreate('site-a')).rejects.toThrow('redis down');
    expect(rooms.rooms.has('site-a')).toBe(false);
    fail = false;
    const room = await rooms.getOrCreate('site-a');
    expect(prepared).toEqual([room]);
    expect(room.closed).toBe(false);
    expect(await rooms.getOrCreate('site-a')).toBe(room);
    rooms.closeAll();
  });
});
