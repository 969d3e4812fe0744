import type { Redis } from 'ioredis';

/**
 * Counts a device's live connections (sockets, WHIP publishers, RTSP feeds) across the cluster, so
 * one node's disconnect does not mark offline a device that is connected to another node.
 */
export interface DevicePresence {
  /** One more connection of the device on this node. */
  connected(deviceId: string): Promise<void>;
  /** One fewer on this node; resolves to the connections left in the whole cluster. */
  disconnected(deviceId: string): Promise<number>;
  /** The device's connections in the whole cluster. */
  count(deviceId: string): Promise<number>;
  /** Forgets a dead node's connections; resolves to the devices that have none left. */
  forgetNode(nodeId: string): Promise<string[]>;
}

/** Sum of a hash's counters (connections per node), dropping this node's when it reaches 0. */
const DISCONNECT = `
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
local total = 0
for _, v in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(v) end
return total`;
const COUNT = `
local total = 0
for _, v in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(v) end
return total`;

/**
 * In Redis: `presence:<deviceId>` is a hash node id -> connections there; `presence-node:<node>`
 * the devices a node has counted, so a dead node's share can be removed.
 */
export class RedisDevicePresence implements DevicePresence {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #nodeId: string;

  constructor(o: { redis: Redis; prefix: string; nodeId: string }) {
    this.#redis = o.redis;
    this.#prefix = o.prefix;
    this.#nodeId = o.nodeId;
  }

  async connected(deviceId: string): Promise<void> {
    await this.#redis
      .multi()
      .hincrby(this.#key(deviceId), this.#nodeId, 1)
      .sadd(this.#nodeKey(this.#nodeId), deviceId)
      .exec();
  }

  async disconnected(deviceId: string): Promise<number> {
    return Number(await this.#redis.eval(DISCONNECT, 1, this.#key(deviceId), this.#nodeId));
  }

  async count(deviceId: string): Promise<number> {
    return Number(await this.#redis.eval(COUNT, 1, this.#key(deviceId)));
  }

  async forgetNode(nodeId: string): Promise<string[]> {
    const devices = await this.#redis.smembers(this.#nodeKey(nodeId));
    const gone: string[] = [];
    for (const deviceId of devices) {
      await this.#redis.hdel(this.#key(deviceId), nodeId);
      if ((await this.count(deviceId)) === 0) gone.push(deviceId);
    }
    await this.#redis.del(this.#nodeKey(nodeId));
    return gone;
  }

  #key(deviceId: string): string {
    return `${this.#prefix}presence:${deviceId}`;
  }
  #nodeKey(nodeId: string): string {
    return `${this.#prefix}presence-node:${nodeId}`;
  }
}
