import type { Redis } from 'ioredis';
import { z } from 'zod';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';

const logger = createLogger('cluster.nodes');

export const nodeInfoSchema = z.object({
  id: z.string().min(1).max(64),
  /** Where clients and other nodes reach this node's HTTPS/socket.io server. */
  url: z.string().max(512),
  /** The address other nodes' pipe transports connect to. */
  mediaAddress: z.string().max(255),
  startedAt: z.number(),
  /** Draining: no new sessions are placed here. */
  draining: z.boolean(),
  /** Load score (higher = busier): peers + rooms, reported by the node. */
  load: z.number().min(0),
});
export type NodeInfo = z.infer<typeof nodeInfoSchema>;

export type NodeDirectoryEvents = {
  /** A node's heartbeat appeared. */
  nodeUp: [NodeInfo];
  /** A node's heartbeat expired or it left: its sites and leases move on. */
  nodeDown: [nodeId: string];
};

/** Who is in the cluster right now. */
export interface NodeDirectory extends EnhancedEventEmitter<NodeDirectoryEvents> {
  readonly self: NodeInfo;
  /** Nodes with a fresh heartbeat, this one included. */
  live(): NodeInfo[];
  get(id: string): NodeInfo | undefined;
  reportLoad(load: number): void;
  setDraining(draining: boolean): void;
  /** The node's URL once its HTTPS server is bound. */
  setUrl(url: string): void;
}

export interface RedisNodeDirectoryOptions {
  redis: Redis;
  prefix: string;
  self: NodeInfo;
  /** Heartbeat period; a node is down after 3 missed heartbeats. */
  heartbeatMs: number;
}

/**
 * Heartbeats as expiring Redis keys (`node:<id>`, TTL 3 heartbeats) listed in one set; every node
 * polls the set each heartbeat, so a dead node is noticed within ~4 heartbeats by all of them.
 */
export class RedisNodeDirectory
  extends EnhancedEventEmitter<NodeDirectoryEvents>
  implements NodeDirectory
{
  readonly #o: RedisNodeDirectoryOptions;
  #self: NodeInfo;
  #known = new Map<string, NodeInfo>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(o: RedisNodeDirectoryOptions) {
    super();
    this.#o = o;
    this.#self = o.self;
    this.#known.set(o.self.id, o.self);
  }

  static async create(o: RedisNodeDirectoryOptions): Promise<RedisNodeDirectory> {
    const directory = new RedisNodeDirectory(o);
    await directory.#beat();
    await directory.#poll();
    directory.#schedule();
    return directory;
  }

  get self(): NodeInfo {
    return this.#self;
  }

  live(): NodeInfo[] {
    return [...this.#known.values()];
  }

  get(id: string): NodeInfo | undefined {
    return this.#known.get(id);
  }

  reportLoad(load: number): void {
    this.#self = { ...this.#self, load: Math.max(0, load) };
  }

  setDraining(draining: boolean): void {
    this.#self = { ...this.#self, draining };
    void this.#beat().catch(() => undefined);
  }

  setUrl(url: string): void {
    this.#self = { ...this.#self, url };
    void this.#beat().catch(() => undefined);
  }

  /** Removes this node's heartbeat: the others see it leave at their next poll. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    const { redis, prefix, self } = this.#o;
    await redis
      .multi()
      .del(`${prefix}node:${self.id}`)
      .srem(`${prefix}nodes`, self.id)
      .exec()
      .catch(() => undefined);
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      void Promise.all([this.#beat(), this.#poll()])
        .catch((error: unknown) => logger.debug('heartbeat failed', { error: String(error) }))
        .finally(() => {
          if (!this.#closed) this.#schedule();
        });
    }, this.#o.heartbeatMs);
    this.#timer.unref();
  }

  async #beat(): Promise<void> {
    if (this.#closed) return;
    const { redis, prefix, heartbeatMs } = this.#o;
    this.#known.set(this.#self.id, this.#self);
    await redis
      .multi()
      .set(`${prefix}node:${this.#self.id}`, JSON.stringify(this.#self), 'PX', heartbeatMs * 3)
      .sadd(`${prefix}nodes`, this.#self.id)
      .exec();
  }

  async #poll(): Promise<void> {
    const { redis, prefix } = this.#o;
    const ids = (await redis.smembers(`${prefix}nodes`)).slice(0, 10_000);
    const values = ids.length ? await redis.mget(ids.map((id) => `${prefix}node:${id}`)) : [];
    const seen = new Map<string, NodeInfo>();
    ids.forEach((id, i) => {
      const raw = values[i];
      if (raw === null || raw === undefined) {
        void redis.srem(`${prefix}nodes`, id).catch(() => undefined);
        return;
      }
      const parsed = safeNode(raw);
      if (parsed && parsed.id === id) seen.set(id, parsed);
    });
    seen.set(this.#self.id, this.#self);
    const before = this.#known;
    this.#known = seen;
    for (const [id, info] of seen) if (!before.has(id)) this.safeEmit('nodeUp', info);
    for (const id of before.keys()) {
      if (!seen.has(id)) {
        logger.warn('node down', { node: id });
        this.safeEmit('nodeDown', id);
      }
    }
  }
}

function safeNode(raw: string): NodeInfo | undefined {
  try {
    const parsed = nodeInfoSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A single box: only itself. */
export class LocalNodeDirectory
  extends EnhancedEventEmitter<NodeDirectoryEvents>
  implements NodeDirectory
{
  #self: NodeInfo;
  constructor(self: NodeInfo) {
    super();
    this.#self = self;
  }
  get self(): NodeInfo {
    return this.#self;
  }
  live(): NodeInfo[] {
    return [this.#self];
  }
  get(id: string): NodeInfo | undefined {
    return id === this.#self.id ? this.#self : undefined;
  }
  reportLoad(load: number): void {
    this.#self = { ...this.#self, load };
  }
  setDraining(draining: boolean): void {
    this.#self = { ...this.#self, draining };
  }
  setUrl(url: string): void {
    this.#self = { ...this.#self, url };
  }
}
