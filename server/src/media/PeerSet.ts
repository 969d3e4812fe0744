import type { types } from 'mediasoup';
import type { Peer, ProducerAppData } from './Peer.ts';

/** The peers of one room by id, and lookups across their media objects. */
export class PeerSet extends Map<string, Peer> {
  /** A producer of any peer in the set; other sites' ids are simply not found. */
  producerById(id: string): types.Producer<ProducerAppData> | undefined {
    for (const p of this.values()) {
      const producer = p.producers.get(id);
      if (producer) return producer;
    }
    return undefined;
  }

  /** Producers published by one device. */
  producersOfDevice(deviceId: string): types.Producer<ProducerAppData>[] {
    const out: types.Producer<ProducerAppData>[] = [];
    for (const p of this.values()) {
      for (const producer of p.producers.values())
        if (producer.appData.deviceId === deviceId) out.push(producer);
    }
    return out;
  }

  /** Consumers of one producer across the peers. */
  consumersOf(producerId: string): types.Consumer[] {
    const out: types.Consumer[] = [];
    for (const p of this.values()) {
      for (const c of p.consumers.values()) if (c.producerId === producerId) out.push(c);
    }
    return out;
  }
}
