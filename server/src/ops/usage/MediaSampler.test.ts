import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EnhancedEventEmitter } from '@porchlight/runtime';
import type { Room } from '../../media/Room.ts';
import type { RoomRegistryEvents } from '../../media/RoomRegistry.ts';
import { MediaSampler } from './MediaSampler.ts';
import type { UsageMeter } from './UsageMeter.ts';

/** A router's observer side, as mediasoup emits it: transports, then producers and consumers. */
function fakeRoom(siteId: string) {
  const router = { observer: new EventEmitter() };
  const room = Object.assign(new EventEmitter(), { siteId, router });
  const transport = (type: string) => {
    const observer = new EventEmitter();
    router.observer.emit('newtransport', { type, observer });
    return {
      produce: (id: string, appData: object, bytes: number) =>
        observer.emit('newproducer', {
          id,
          appData,
          observer: new EventEmitter(),
          getStats: async () => [{ byteCount: bytes }],
        }),
      consume: (producerId: string, bytes: number) =>
        observer.emit('newconsumer', {
          producerId,
          observer: new EventEmitter(),
          getStats: async () => [{ type: 'outbound-rtp', byteCount: bytes }],
        }),
    };
  };
  return { room: room as unknown as Room, transport };
}

describe('MediaSampler', () => {
  it("counts a cluster pipe's copy of a producer as no ingest, and its viewers against its device", async () => {
    const added: string[] = [];
    const meter = {
      add: (siteId: string, deviceId: string, dimension: string, amount: number) =>
        added.push(`${siteId}/${deviceId}/${dimension}=${amount}`),
    } as unknown as UsageMeter;
    const { room, transport } = fakeRoom('site-1');
    const rooms = Object.assign(new EnhancedEventEmitter<RoomRegistryEvents>(), {
      rooms: new Map([['site-1', room]]),
    });
    const sampler = new MediaSampler(rooms, meter);
    // The viewers' node: the camera's producer arrives over a pipe from the origin node.
    transport('pipe').produce('p1', { pipedFrom: 'node-a', deviceId: 'cam-1' }, 5000);
    transport('webrtc').consume('p1', 1200);
    // A camera publishing on this node: its ingest counts here.
    transport('webrtc').produce('p2', { deviceId: 'cam-2' }, 700);
    await sampler.sample();
    expect(added.sort()).toEqual([
      'site-1/cam-1/consumeBytes=1200',
      'site-1/cam-2/ingestBytes=700',
    ]);
  });
});
