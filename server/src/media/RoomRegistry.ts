import { EnhancedEventEmitter } from '@porchlight/runtime';
import type { CallRoomGuard } from './callPolicy.ts';
import { Room } from './Room.ts';
import type { WorkerPool } from './WorkerPool.ts';

/** Creates one Room per site on demand; concurrent joins of a new site share one creation. */
export type RoomRegistryEvents = {
  /** A site's room was created (or re-created after it closed). */
  room: [Room];
  /** A doorbell call's room was created (a visitor's message is recorded from it). */
  callRoom: [Room, string];
};

export class RoomRegistry extends EnhancedEventEmitter<RoomRegistryEvents> {
  readonly #rooms = new Map<string, Room>();
  readonly #pending = new Map<string, Promise<Room>>();
  readonly #pool: WorkerPool;
  readonly #initialOutgoingBitrate: number;
  #prepare: ((room: Room) => Promise<void>) | undefined;

  constructor(pool: WorkerPool, initialOutgoingBitrate: number) {
    super();
    this.#pool = pool;
    this.#initialOutgoingBitrate = initialOutgoingBitrate;
  }

  /**
   * Runs on every new site room before anyone joins it (cluster mode: learn the site's producers
   * on other nodes, so a join's answer already lists them).
   */
  setPreparer(prepare: (room: Room) => Promise<void>): void {
    this.#prepare = prepare;
  }

  get rooms(): ReadonlyMap<string, Room> {
    return this.#rooms;
  }

  async getOrCreate(siteId: string): Promise<Room> {
    // Pending first: a room is listed while it is prepared, but only handed out once ready.
    const pending = this.#pending.get(siteId);
    if (pending) return pending;
    const existing = this.#rooms.get(siteId);
    if (existing && !existing.closed) return existing;
    const creation = Room.create({
      siteId,
      pool: this.#pool,
      initialOutgoingBitrate: this.#initialOutgoingBitrate,
    })
      .then(async (room) => {
        this.#rooms.set(siteId, room);
        room.once('close', () => {
          if (this.#rooms.get(siteId) === room) this.#rooms.delete(siteId);
        });
        await this.#prepareOrClose(room);
        this.safeEmit('room', room);
        return room;
      })
      .finally(() => this.#pending.delete(siteId));
    this.#pending.set(siteId, creation);
    return creation;
  }

  /**
   * A doorbell call's own room (key `call:<id>`), created on its first join; not announced as a
   * site room (nothing records it). Closed by the call's end or when its last peer leaves.
   */
  async getOrCreateCall(siteId: string, guard: CallRoomGuard): Promise<Room> {
    const key = `call:${guard.callId}`;
    const existing = this.#rooms.get(key);
    if (existing && !existing.closed) return existing;
    const pending = this.#pending.get(key);
    if (pending) return pending;
    const creation = Room.create({
      siteId,
      pool: this.#pool,
      initialOutgoingBitrate: this.#initialOutgoingBitrate,
      call: guard,
    })
      .then(async (room) => {
        this.#rooms.set(key, room);
        room.once('close', () => {
          if (this.#rooms.get(key) === room) this.#rooms.delete(key);
        });
        // Cluster mode: the visitor and a homeowner may be on different nodes.
        await this.#prepareOrClose(room);
        this.safeEmit('callRoom', room, guard.callId);
        return room;
      })
      .finally(() => this.#pending.delete(key));
    this.#pending.set(key, creation);
    return creation;
  }

  /** A room whose preparation failed is closed (the join fails; the next one tries afresh). */
  async #prepareOrClose(room: Room): Promise<void> {
    try {
      await this.#prepare?.(room);
    } catch (error) {
      room.close();
      throw error;
    }
  }

  /** Closes a call's room if it exists (the call ended). */
  closeCall(callId: string): void {
    this.#rooms.get(`call:${callId}`)?.close();
  }

  closeAll(): void {
    for (const room of [...this.#rooms.values()]) room.close();
  }
}
