import type { types } from 'mediasoup';
import type { ProducerAppData } from '../../media/Peer.ts';
import type { Room } from '../../media/Room.ts';
import type { RoomRegistryEvents } from '../../media/RoomRegistry.ts';
import type { UsageMeter } from './UsageMeter.ts';

/** Where rooms come from (the RoomRegistry): the ones open now and the ones created later. */
export interface RoomSource {
  on<K extends keyof RoomRegistryEvents>(
    event: K,
    listener: (...args: RoomRegistryEvents[K]) => void,
  ): unknown;
  readonly rooms: ReadonlyMap<string, Room>;
}

interface Tracked {
  siteId: string;
  deviceId: string;
  /** Bytes of the RTP counter already counted. */
  counted: number;
}

/**
 * Reads the SFU's own RTP byte counters: every producer (bytes ingested, per publishing device;
 * '' for people's talk-back; WebRTC or plain RTP alike) and every consumer on a WebRTC transport
 * (bytes consumed by viewers, per device watched). The recorder's plain-transport consumers are
 * not viewers and are left out; so are a cluster's pipes (the origin node counts the ingest, the
 * viewers' node the consumers). Each `sample` adds what the counters grew by since the last one;
 * what a producer or consumer sends after the last sample before it closes is not seen.
 */
export class MediaSampler {
  readonly #meter: UsageMeter;
  readonly #producers = new Map<types.Producer, Tracked>();
  readonly #consumers = new Map<types.Consumer, Tracked>();
  /** Producer id -> device, for attributing consumers. */
  readonly #devices = new Map<string, { siteId: string; deviceId: string }>();

  constructor(rooms: RoomSource, meter: UsageMeter) {
    this.#meter = meter;
    rooms.on('room', (room) => this.#watch(room));
    rooms.on('callRoom', (room) => this.#watch(room));
    for (const room of rooms.rooms.values()) this.#watch(room);
  }

  /** Adds every counter's growth since the previous sample to the meter. */
  async sample(): Promise<void> {
    const read = async <T extends types.Producer | types.Consumer>(
      entries: Map<T, Tracked>,
      total: (o: T) => Promise<number>,
      dimension: 'ingestBytes' | 'consumeBytes',
    ): Promise<void> => {
      await Promise.all(
        [...entries].map(async ([object, t]) => {
          let bytes: number;
          try {
            bytes = await total(object);
          } catch {
            return; // closed meanwhile
          }
          // A counter never shrinks; if it did (a new stream under the same object), start over.
          const delta = bytes >= t.counted ? bytes - t.counted : bytes;
          t.counted = bytes;
          this.#meter.add(t.siteId, t.deviceId, dimension, delta);
        }),
      );
    };
    await Promise.all([
      read(this.#producers, producerBytes, 'ingestBytes'),
      read(this.#consumers, consumerBytes, 'consumeBytes'),
    ]);
  }

  #watch(room: Room): void {
    const hook = (): void => {
      room.router.observer.on('newtransport', (transport) => {
        // Every producer is a device's ingest, whatever carries it (WebRTC, or plain RTP from an
        // RTSP/RTMP pull); consumers count only on WebRTC (plain and direct ones are recorders).
        transport.observer.on('newproducer', (p) => this.#producer(room, p));
        if (transport.type !== 'webrtc') return;
        transport.observer.on('newconsumer', (c) => this.#consumer(room, c));
      });
    };
    hook();
    room.on('relocated', hook);
  }

  #producer(room: Room, producer: types.Producer): void {
    const app = producer.appData as Partial<ProducerAppData> & { pipedFrom?: string };
    const who = { siteId: room.siteId, deviceId: app.deviceId ?? '' };
    this.#devices.set(producer.id, who);
    if (app.pipedFrom !== undefined) {
      // A cluster pipe's copy of another node's producer: that node counts the ingest. Known
      // here only so the consumers of this node's viewers are charged to its device.
      producer.observer.once('close', () => this.#devices.delete(producer.id));
      return;
    }
    this.#producers.set(producer, { ...who, counted: 0 });
    producer.observer.once('close', () => {
      this.#producers.delete(producer);
      this.#devices.delete(producer.id);
    });
  }

  #consumer(room: Room, consumer: types.Consumer): void {
    const device = this.#devices.get(consumer.producerId)?.deviceId ?? '';
    this.#consumers.set(consumer, { siteId: room.siteId, deviceId: device, counted: 0 });
    consumer.observer.once('close', () => this.#consumers.delete(consumer));
  }
}

/** RTP bytes a producer received, over all its streams (simulcast layers, RTX). */
export async function producerBytes(producer: types.Producer): Promise<number> {
  let bytes = 0;
  for (const s of await producer.getStats()) bytes += s.byteCount;
  return bytes;
}

/** RTP bytes a consumer sent (its own outbound streams, not the producer's inbound ones). */
export async function consumerBytes(consumer: types.Consumer): Promise<number> {
  let bytes = 0;
  for (const s of await consumer.getStats()) if (s.type === 'outbound-rtp') bytes += s.byteCount;
  return bytes;
}
