import type { types } from 'mediasoup';
import type { ProducerAppData } from '../../media/Peer.ts';
import type { Room } from '../../media/Room.ts';

/** What the watch needs of the RoomRegistry: its site rooms, and news of new ones. */
export interface RoomSource {
  readonly rooms: ReadonlyMap<string, Room>;
  on(event: 'room', listener: (room: Room) => void): unknown;
}

interface DeviceStream {
  /** Open, unpaused camera video producers of the device. */
  live: Set<string>;
  /** When the last one went away (or when the watch started). */
  downSince: number;
}

/**
 * Which cameras stream now, from the site rooms' producers: a device streams while it has an
 * open, unpaused `camera` video producer. Remembers since when each device has not streamed, so
 * the evaluator can tell how long a camera has been down.
 */
export class StreamWatch {
  readonly #devices = new Map<string, DeviceStream>();
  readonly #now: () => number;
  readonly #startedAt: number;

  constructor(rooms: RoomSource, now: () => number) {
    this.#now = now;
    this.#startedAt = now();
    rooms.on('room', (room) => this.#attach(room));
    for (const room of rooms.rooms.values()) if (room.callId === undefined) this.#attach(room);
  }

  /**
   * Seconds the device has not streamed (0 while it streams). A camera never seen streaming is
   * down since it was created or since the watch started, whichever is later.
   */
  downSeconds(deviceId: string, createdAt: number): number {
    const d = this.#devices.get(deviceId);
    if (d && d.live.size > 0) return 0;
    const since = d?.downSince ?? Math.max(this.#startedAt, createdAt);
    return Math.max(0, (this.#now() - since) / 1000);
  }

  #attach(room: Room): void {
    room.on('producer', (producer) => this.#onProducer(producer));
  }

  #onProducer(producer: types.Producer<ProducerAppData>): void {
    const { deviceId, source } = producer.appData;
    if (!deviceId || source !== 'camera' || producer.kind !== 'video') return;
    const d = this.#device(deviceId);
    const up = (): void => {
      d.live.add(producer.id);
    };
    const down = (): void => {
      if (d.live.delete(producer.id) && d.live.size === 0) d.downSince = this.#now();
    };
    if (!producer.paused) up();
    producer.observer.on('pause', down);
    producer.observer.on('resume', up);
    producer.observer.once('close', down);
  }

  #device(deviceId: string): DeviceStream {
    let d = this.#devices.get(deviceId);
    if (!d) {
      d = { live: new Set(), downSince: this.#now() };
      this.#devices.set(deviceId, d);
    }
    return d;
  }
}
