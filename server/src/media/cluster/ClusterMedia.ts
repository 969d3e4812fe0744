import type { types } from 'mediasoup';
import { createLogger } from '@porchlight/runtime';
import type { Cluster } from '../../cluster/Cluster.ts';
import type { ProducerAppData } from '../Peer.ts';
import type { Room } from '../Room.ts';
import type { RoomRegistry } from '../RoomRegistry.ts';
import { PipeOrigin } from './PipeOrigin.ts';
import { PipeReceiver } from './PipeReceiver.ts';
import type { PipeListen } from './pipeListen.ts';
import { ProducerDirectory, type ProducerChange } from './ProducerDirectory.ts';
import { entryOf, remoteOf, type ProducerEntry } from './producerEntry.ts';
import type { RemoteProducer } from '../remoteMedia.ts';
import { isSuperseded, supersededBy, type Published } from './supersede.ts';

const logger = createLogger('media.cluster');

/** Rooms re-read their site's directory this often, in case a bus message was lost. */
export const DIRECTORY_RESYNC_MS = 10_000;

export interface ClusterMediaOptions {
  cluster: Cluster;
  rooms: RoomRegistry;
  listen: PipeListen;
  /** Redis key prefix (cluster.keyPrefix). */
  keyPrefix: string;
  resyncMs?: number;
  /** Wall clock for producers' publish times (default Date.now). */
  now?: () => number;
}

/**
 * Media across nodes (cluster mode): each node has its own router per site; a site's producers
 * are listed cluster-wide (ProducerDirectory) so every node's room announces them to its peers,
 * and a viewer's consume of a producer on another node pipes it in (PipeReceiver ↔ PipeOrigin).
 * Pipe producers are not room producers: nothing records them (recording stays with the origin).
 */
export class ClusterMedia {
  readonly origin: PipeOrigin;
  readonly receiver: PipeReceiver;
  readonly directory: ProducerDirectory;
  readonly #nodeId: string;
  readonly #rooms: RoomRegistry;
  readonly #cluster: Cluster;
  readonly #unsubscribe: () => void;
  readonly #timer: NodeJS.Timeout;
  readonly #now: () => number;
  /** When each of this node's producers was published (ms): the newest of a device stream wins. */
  readonly #publishedAt = new Map<string, number>();
  #closed = false;

  /**
   * Joins media to the cluster. Entries a previous process of this node id left behind (killed
   * and restarted before the others noticed) are dropped first: their producers are gone.
   */
  static async create(o: ClusterMediaOptions): Promise<ClusterMedia> {
    const media = new ClusterMedia(o);
    await media.directory.purgeNode(o.cluster.nodeId);
    return media;
  }

  private constructor(o: ClusterMediaOptions) {
    if (!o.cluster.redis) throw new Error('ClusterMedia needs a clustered node');
    this.#nodeId = o.cluster.nodeId;
    this.#rooms = o.rooms;
    this.#cluster = o.cluster;
    this.#now = o.now ?? Date.now;
    this.directory = new ProducerDirectory({
      redis: o.cluster.redis,
      bus: o.cluster.bus,
      prefix: o.keyPrefix,
    });
    this.origin = new PipeOrigin({
      rpc: o.cluster.rpc,
      rooms: o.rooms,
      nodes: o.cluster.nodes,
      listen: o.listen,
    });
    this.receiver = new PipeReceiver({ rpc: o.cluster.rpc, listen: o.listen });
    this.#unsubscribe = this.directory.subscribe((change, from) => this.#apply(change, from));
    o.rooms.setPreparer((room) => this.#prepare(room));
    o.cluster.nodes.on('nodeDown', (nodeId) => void this.#nodeDown(nodeId));
    this.#timer = setInterval(() => void this.#resyncAll(), o.resyncMs ?? DIRECTORY_RESYNC_MS);
    this.#timer.unref();
  }

  /** Releases pipes and stops listening; this node's entries go with its producers' closes. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#unsubscribe();
    this.receiver.close();
    this.origin.close();
  }

  /**
   * A new room (a site's, or a call's under `call:<id>`): it may consume remote producers, learns
   * them, and lists its own, all under its `scope` (the directory's "siteId" field).
   */
  async #prepare(room: Room): Promise<void> {
    room.useRemoteMedia(this.receiver);
    room.on('producer', (producer) => this.#publish(room, producer));
    room.on('producerUpdated', (producer) => this.#write(room, producer));
    // A call's scope is used once: this node's list of scopes must not grow with every call.
    if (room.callId !== undefined)
      room.once('close', () => {
        void this.directory.forget(this.#nodeId, room.scope).catch(() => undefined);
      });
    await this.#resync(room).catch((error: unknown) => {
      // The room still works locally; the periodic resync tries again.
      logger.warn('producer directory unreadable', { scope: room.scope, error: String(error) });
    });
  }

  #publish(room: Room, producer: types.Producer<ProducerAppData>): void {
    const publishedAt = this.#now();
    this.#publishedAt.set(producer.id, publishedAt);
    this.#write(room, producer);
    // The device reconnected here: its copies on other nodes are stale (a killed node's stay
    // listed until its heartbeat expires), and its viewers here move to this one now.
    for (const stale of supersededBy({ producer, publishedAt }, room.remoteProducers()))
      this.#dropRemote(room, stale);
    producer.observer.on('pause', () => this.#write(room, producer));
    producer.observer.on('resume', () => this.#write(room, producer));
    producer.observer.once('close', () => {
      this.#publishedAt.delete(producer.id);
      void this.directory.remove(room.scope, producer.id).catch((error: unknown) => {
        logger.warn('producer directory remove failed', { scope: room.scope, error });
      });
    });
  }

  #write(room: Room, producer: types.Producer<ProducerAppData>): void {
    if (producer.closed) return;
    void this.directory
      .upsert(entryOf(this.#nodeId, room.scope, producer, this.#publishedAt.get(producer.id) ?? 0))
      .catch((error: unknown) => {
        logger.warn('producer directory write failed', { scope: room.scope, error });
      });
  }

  #apply(change: ProducerChange, from: string): void {
    if (change.op === 'closed') {
      // A node speaks only for its own producers.
      const room = this.#rooms.rooms.get(change.siteId);
      const known = room?.remoteProducers().find((p) => p.id === change.producerId);
      if (known && known.nodeId !== from) return;
      this.receiver.closeProducer(change.producerId, from);
      room?.removeRemote(change.producerId);
      return;
    }
    const e = change.entry;
    if (!this.#cluster.nodes.get(e.nodeId)) return; // Not (or no longer) a live node.
    this.#upsert(e);
  }

  #upsert(e: ProducerEntry): void {
    const room = this.#rooms.rooms.get(e.siteId);
    if (!room || room.closed) return;
    const remote = remoteOf(e);
    if (isSuperseded(remote, this.#sameDevice(room, remote))) {
      this.#dropRemote(room, remote);
      return;
    }
    void this.receiver.setPaused(e.producerId, e.paused);
    room.upsertRemote(remote);
    for (const stale of supersededBy(
      { producer: remote, publishedAt: remote.publishedAt },
      room.remoteProducers(),
    ))
      this.#dropRemote(room, stale);
  }

  /** The room's producers, here and elsewhere, of the device that published `remote`. */
  #sameDevice(room: Room, remote: RemoteProducer): Published[] {
    const deviceId = remote.appData.deviceId;
    if (deviceId === undefined) return [];
    const local = room.producersOfDevice(deviceId).map((producer) => ({
      producer,
      publishedAt: this.#publishedAt.get(producer.id) ?? 0,
    }));
    const remotes = room
      .remoteProducers()
      .filter((r) => r.appData.deviceId === deviceId)
      .map((r) => ({ producer: r, publishedAt: r.publishedAt }));
    return [...local, ...remotes];
  }

  /** Stops listing a remote producer here; its viewers here get producerClosed. Idempotent. */
  #dropRemote(room: Room, remote: RemoteProducer): void {
    this.receiver.closeProducer(remote.id, remote.nodeId);
    room.removeRemote(remote.id);
  }

  /** Brings a room's remote producers in line with the directory (missed messages). */
  async #resync(room: Room): Promise<void> {
    const entries = (await this.directory.read(room.scope)).filter(
      (e) => e.nodeId !== this.#nodeId && this.#cluster.nodes.get(e.nodeId) !== undefined,
    );
    const present = new Set(entries.map((e) => e.producerId));
    for (const remote of room.remoteProducers()) {
      if (present.has(remote.id)) continue;
      this.receiver.closeProducer(remote.id, remote.nodeId);
      room.removeRemote(remote.id);
    }
    for (const e of entries) this.#upsert(e);
  }

  async #resyncAll(): Promise<void> {
    for (const room of this.#rooms.rooms.values()) {
      if (room.closed) continue;
      await this.#resync(room).catch(() => undefined);
    }
  }

  async #nodeDown(nodeId: string): Promise<void> {
    this.receiver.dropNode(nodeId);
    for (const room of this.#rooms.rooms.values()) {
      for (const remote of room.remoteProducers())
        if (remote.nodeId === nodeId) room.removeRemote(remote.id);
    }
    await this.directory.purgeNode(nodeId).catch((error: unknown) => {
      logger.warn('purging a dead node from the producer directory failed', { nodeId, error });
    });
  }
}
