import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import type { NotificationName } from '@porchlight/protocol';
import { Peer } from '../../src/media/Peer.ts';
import { Room } from '../../src/media/Room.ts';
import { WorkerPool } from '../../src/media/WorkerPool.ts';
import { fakeVp8RtpParameters, vp8RtpCapabilities } from '../../../tests/support/rawClient.ts';

/**
 * A socket that drops while its createTransport/produce/consume is awaiting mediasoup must not
 * leave the created object behind until the room closes (issue 9 §5).
 */
describe('requests of a peer that leaves while they await', () => {
  let pool: WorkerPool;
  let room: Room;
  /** Stays joined so the room (and its router) stays open, and watches the announcements. */
  let bystander: Peer;
  const heard: NotificationName[] = [];

  function peer(role: 'camera' | 'viewer', notes: NotificationName[] = []): Peer {
    return new Peer({
      id: randomUUID(),
      siteId: 'site',
      role,
      label: role,
      deviceId: role === 'camera' ? randomUUID() : undefined,
      can: () => true,
      notify: (name) => void notes.push(name),
    });
  }

  beforeAll(async () => {
    pool = await WorkerPool.create({
      numWorkers: 1,
      listenIp: '127.0.0.1',
      announcedAddress: '127.0.0.1',
      rtcPort: 0,
      logLevel: 'warn',
    });
    room = await Room.create({ siteId: 'site', pool, initialOutgoingBitrate: 600_000 });
    bystander = peer('viewer', heard);
    room.join(bystander);
  });

  afterAll(async () => {
    room?.close();
    await pool?.close();
  });

  // The peer leaves the moment mediasoup has created the object, before the Room's await resumes.

  it('createTransport: the transport is closed and the request fails', async () => {
    const created: types.Transport[] = [];
    const leaver = peer('viewer');
    room.join(leaver);
    room.router.observer.once('newtransport', (t) => {
      created.push(t);
      room.leave(leaver);
    });
    const request = room.createTransport(leaver, { direction: 'recv' });
    await expect(request).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(created.length).toBe(1);
    expect(created.every((o) => o.closed)).toBe(true);
    expect((await room.router.dump()).transportIds).toEqual([]);
  });

  it('produce: the producer is closed, never announced, never handed to recording', async () => {
    const camera = peer('camera');
    room.join(camera);
    const { id: transportId } = await room.createTransport(camera, { direction: 'send' });
    const created: types.Producer[] = [];
    camera.transports.get(transportId)!.observer.once('newproducer', (p) => {
      created.push(p);
      room.leave(camera);
    });
    const recorded: string[] = [];
    room.on('producer', (p) => recorded.push(p.id));
    heard.length = 0;
    const request = room.produce(camera, {
      transportId,
      kind: 'video',
      source: 'camera',
      rtpParameters: fakeVp8RtpParameters(22222222),
    });
    await expect(request).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(created.length).toBe(1);
    expect(created.every((o) => o.closed)).toBe(true);
    expect(heard).not.toContain('producerAdded');
    expect(recorded).toEqual([]);
    expect((await room.router.dump()).transportIds).toEqual([]);
  });

  it('consume: the consumer is closed and the producer has no consumer left', async () => {
    const camera = peer('camera');
    room.join(camera);
    const send = await room.createTransport(camera, { direction: 'send' });
    const { producerId } = await room.produce(camera, {
      transportId: send.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: fakeVp8RtpParameters(33333333),
    });
    const viewer = peer('viewer');
    room.join(viewer);
    const recv = await room.createTransport(viewer, { direction: 'recv' });
    const created: types.Consumer[] = [];
    viewer.transports.get(recv.id)!.observer.once('newconsumer', (c) => {
      created.push(c);
      room.leave(viewer);
    });
    const request = room.consume(viewer, {
      transportId: recv.id,
      producerId,
      rtpCapabilities: vp8RtpCapabilities,
    });
    await expect(request).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(created.length).toBe(1);
    expect(created.every((c) => c.closed)).toBe(true);
    expect(room.consumersOf(producerId)).toEqual([]);
    expect((await room.router.dump()).transportIds).toEqual([send.id]);
    room.leave(camera);
  });
});
