import type { Redis } from 'ioredis';
import { z } from 'zod';
import { createLogger } from '@porchlight/runtime';

const logger = createLogger('cluster.bus');

/** Pub/sub between nodes. A node never receives its own messages. */
export interface ClusterBus {
  /** Sends `body` (JSON) to every other node's subscribers of `channel`. */
  publish(channel: string, body: unknown): Promise<void>;
  /**
   * Messages that fail `schema` are logged and dropped: another node is trusted no more than a
   * client. Returns the unsubscribe function.
   */
  subscribe<T>(
    channel: string,
    schema: z.ZodType<T>,
    handler: (body: T, fromNode: string) => void,
  ): () => void;
}

const envelopeSchema = z.object({ from: z.string().min(1).max(128), body: z.unknown() });

type Handler = (body: unknown, fromNode: string) => void;

/**
 * The bus over Redis pub/sub: one subscriber connection per node, channels under the deployment's
 * key prefix. Pub/sub is at-most-once: a message published while a node is reconnecting is lost,
 * so users of the bus carry state that can be re-read (Redis keys) or is harmless to miss.
 */
export class RedisBus implements ClusterBus {
  readonly #nodeId: string;
  readonly #prefix: string;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #handlers = new Map<string, Set<Handler>>();
  #closed = false;

  constructor(o: { nodeId: string; prefix: string; pub: Redis; sub: Redis }) {
    this.#nodeId = o.nodeId;
    this.#prefix = o.prefix;
    this.#pub = o.pub;
    this.#sub = o.sub;
    this.#sub.on('message', (channel: string, raw: string) => this.#deliver(channel, raw));
  }

  async publish(channel: string, body: unknown): Promise<void> {
    if (this.#closed) return;
    await this.#pub.publish(this.#prefix + channel, JSON.stringify({ from: this.#nodeId, body }));
  }

  subscribe<T>(
    channel: string,
    schema: z.ZodType<T>,
    handler: (body: T, fromNode: string) => void,
  ): () => void {
    const full = this.#prefix + channel;
    const wrapped: Handler = (body, from) => {
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        logger.warn('invalid cluster message dropped', {
          channel,
          from,
          issue: parsed.error.issues[0]?.message,
        });
        return;
      }
      handler(parsed.data, from);
    };
    let set = this.#handlers.get(full);
    if (!set) {
      set = new Set();
      this.#handlers.set(full, set);
      this.#sub.subscribe(full).catch((error: unknown) => {
        logger.error('subscribe failed', { channel, error });
      });
    }
    set.add(wrapped);
    return () => {
      const handlers = this.#handlers.get(full);
      if (!handlers?.delete(wrapped) || handlers.size > 0) return;
      this.#handlers.delete(full);
      if (!this.#closed) void this.#sub.unsubscribe(full).catch(() => undefined);
    };
  }

  /** Resolves once every channel subscribed so far is live on the Redis side. */
  async ready(): Promise<void> {
    await this.#sub.ping();
  }

  close(): void {
    this.#closed = true;
    this.#handlers.clear();
  }

  #deliver(channel: string, raw: string): void {
    const handlers = this.#handlers.get(channel);
    if (!handlers) return;
    let envelope: z.infer<typeof envelopeSchema>;
    try {
      const parsed = envelopeSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'bad envelope');
      envelope = parsed.data;
    } catch (error) {
      logger.warn('unreadable cluster message dropped', { channel, error: String(error) });
      return;
    }
    if (envelope.from === this.#nodeId) return;
    for (const handler of [...handlers]) {
      try {
        handler(envelope.body, envelope.from);
      } catch (error) {
        logger.error('cluster message handler threw', { channel, error });
      }
    }
  }
}

/** A single box: nobody else to talk to. */
export class LocalBus implements ClusterBus {
  async publish(): Promise<void> {}
  subscribe(): () => void {
    return () => undefined;
  }
}
