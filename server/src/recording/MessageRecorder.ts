import type { types } from 'mediasoup';
import { createLogger } from '@porchlight/runtime';
import type { ProducerAppData } from '../media/Peer.ts';
import type { Room } from '../media/Room.ts';
import type { RoomRegistry } from '../media/RoomRegistry.ts';
import type { RecordingService } from './RecordingService.ts';

const logger = createLogger('MessageRecorder');

/** The recording stream key of a call's message: never a device id (those are not `msg-`). */
export function messageStreamKey(callId: string): string {
  return `msg-${callId}`;
}

/** The call id of a message stream key, or null for any other stream. */
export function callOfMessageStream(streamKey: string): string | null {
  return streamKey.startsWith('msg-') ? streamKey.slice(4) : null;
}

/** What was stored: camera-time bounds (a VOD playlist's range) and their length. */
export interface RecordedMessage {
  durationMs: number;
  from: number;
  to: number;
}

export interface MessageRecordingHandle {
  readonly streamKey: string;
  /** Stops recording (the last segment is kept); resolves with the recorded duration. Idempotent. */
  stop(): Promise<RecordedMessage>;
}

/**
 * Records a visitor's message: the visitor's camera and microphone in the call's room (created
 * when the visitor re-joins it after the missed call) go to a dedicated continuous stream.
 */
export class MessageRecorder {
  readonly #service: RecordingService;
  readonly #rooms: RoomRegistry;

  constructor(service: RecordingService, rooms: RoomRegistry) {
    this.#service = service;
    this.#rooms = rooms;
  }

  async start(o: {
    callId: string;
    siteId: string;
    /** The door the message is left at: the recording's owner. */
    doorId: string;
    retentionMaxAgeSeconds: number | null;
    /** The visitor left: the call room closed (its last peer left). */
    onLeave: () => void;
  }): Promise<MessageRecordingHandle> {
    const streamKey = messageStreamKey(o.callId);
    const stream = await this.#service.openDedicated({
      streamKey,
      ownerDeviceId: o.doorId,
      siteId: o.siteId,
      retentionMaxAgeSeconds: o.retentionMaxAgeSeconds,
    });
    const attached = new Set<Room>();
    const attach = (room: Room): void => {
      if (attached.has(room)) return;
      attached.add(room);
      room.once('close', () => o.onLeave());
      room.on('producer', (producer: types.Producer<ProducerAppData>) => {
        // Only the visitor's side (its sources are camera and microphone in a call room).
        const source = producer.appData.source;
        if (source === 'camera' || source === 'microphone') stream.addProducer(room, producer);
      });
    };
    const onCallRoom = (room: Room, callId: string): void => {
      if (callId === o.callId) attach(room);
    };
    this.#rooms.on('callRoom', onCallRoom);
    const existing = this.#rooms.rooms.get(`call:${o.callId}`);
    if (existing && !existing.closed) attach(existing);
    let stopping: Promise<RecordedMessage> | undefined;
    return {
      streamKey,
      stop: () =>
        (stopping ??= (async () => {
          this.#rooms.off('callRoom', onCallRoom);
          await this.#service.release(streamKey);
          const totals = await this.#service.index.streamTotals(streamKey);
          const from = totals.firstTime ?? 0;
          const to = totals.lastTime ?? from;
          const durationMs = to - from;
          logger.info('message recorded', { streamKey, durationMs, segments: totals.segments });
          return { durationMs, from, to };
        })()),
    };
  }
}
