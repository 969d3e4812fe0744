import type { Redis } from 'ioredis';
import { z } from 'zod';
import { createLogger } from '@porchlight/runtime';
import type { ClusterBus } from '../../cluster/ClusterBus.ts';
import { producerEntrySchema, type ProducerEntry } from './producerEntry.ts';

const logger = createLogger('media.directory');

const CHANNEL = 'media.producers';

const changeSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('upsert'), entry: producerEntrySchema }),
  z.object({
    op: z.literal('closed'),
    siteId: z.string().min(1).max(128),
    producerId: z.string().uuid(),
  }),
]);
export type ProducerChange = z.infer<typeof changeSchema>;

/**
 * The cluster-wide directory of every site's producers: one Redis hash per site (`media:site:<id>`,
 * field = producer id) that a node re-reads when it opens a site's room or missed messages, plus
 * a bus message per change so other nodes' rooms learn at once. Each node writes only its own
 * producers; entries of a dead node are purged by whoever notices (idempotent).
 */
export class ProducerDirectory {
  readonly #redis: Redis;
  readonly #bus: ClusterBus;
  readonly #prefix: string;

  constructor(o: { redis: Redis; bus: ClusterBus; prefix: string }) {
    this.#redis = o.redis;
    this.#bus = o.bus;
    this.#prefix = o.prefix;
  }

  /** Other nodes' changes; returns the unsubscribe function. */
  subscribe(handler: (change: ProducerChange, fromNode: string) => void): () => void {
    return this.#bus.subscribe(CHANNEL, changeSchema, (change, from) => {
      // A node speaks only for its own producers.
      if (change.op === 'upsert' && change.entry.nodeId !== from) return;
      handler(change, from);
    });
  }

  async upsert(entry: ProducerEntry): Promise<void> {
    await this.#redis
      .multi()
      .hset(this.#siteKey(entry.siteId), entry.producerId, JSON.stringify(entry))
      .sadd(this.#nodeKey(entry.nodeId), entry.siteId)
      .exec();
    await this.#bus.publish(CHANNEL, { op: 'upsert', entry });
  }

  async remove(siteId: string, producerId: string): Promise<void> {
    await this.#redis.hdel(this.#siteKey(siteId), producerId);
    await this.#bus.publish(CHANNEL, { op: 'closed', siteId, producerId });
  }

  /** `nodeId` has nothing left under `siteId` (a call's room closed): not purged on its death. */
  async forget(nodeId: string, siteId: string): Promise<void> {
    await this.#redis.srem(this.#nodeKey(nodeId), siteId);
  }

  /** A site's producers on every node; invalid entries are logged and skipped. */
  async read(siteId: string): Promise<ProducerEntry[]> {
    const raw = await this.#redis.hgetall(this.#siteKey(siteId));
    const out: ProducerEntry[] = [];
    for (const [field, value] of Object.entries(raw)) {
      const parsed = parseEntry(value);
      if (parsed && parsed.producerId === field && parsed.siteId === siteId) out.push(parsed);
      else logger.warn('invalid producer entry skipped', { siteId, field });
    }
    return out;
  }

  /** Drops every entry of `nodeId` (it died or left). */
  async purgeNode(nodeId: string): Promise<void> {
    const sites = await this.#redis.smembers(this.#nodeKey(nodeId));
    for (const siteId of sites) {
      for (const entry of await this.read(siteId)) {
        if (entry.nodeId === nodeId)
          await this.#redis.hdel(this.#siteKey(siteId), entry.producerId);
      }
    }
    await this.#redis.del(this.#nodeKey(nodeId));
  }

  #siteKey(siteId: string): string {
    return `${this.#prefix}media:site:${siteId}`;
  }
  #nodeKey(nodeId: string): string {
    return `${this.#prefix}media:node:${nodeId}:sites`;
  }
}

function parseEntry(value: string): ProducerEntry | undefined {
  try {
    const parsed = producerEntrySchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
