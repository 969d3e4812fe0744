import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createLogger } from '@porchlight/runtime';

const logger = createLogger('cluster.leases');

/** Renews only while this holder still owns the key (another node may have taken it over). */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface LeaseHandlers {
  /** This node now holds the lease: start the exclusive work. */
  acquired(): void;
  /** The lease was lost (renewal failed, Redis unreachable past the TTL): stop at once. */
  lost(): void;
}

export interface LeaseHolder {
  readonly held: boolean;
  /** Gives the lease up (if held) and stops trying. Idempotent. */
  release(): Promise<void>;
}

/** Exclusive work across nodes: alarm evaluation, the webhook outbox, retention passes... */
export interface Leases {
  /** Keeps trying to hold `name`; renews while held. */
  hold(name: string, handlers: LeaseHandlers): LeaseHolder;
  /** Runs `fn` only if this node gets `name` now; releases after. Resolves whether it ran. */
  runExclusive(name: string, fn: () => Promise<void>): Promise<boolean>;
  /** Names of the leases this node holds now, runExclusive's included (metrics). */
  heldNames(): string[];
}

export interface RedisLeasesOptions {
  redis: Redis;
  /** Key prefix of the deployment. */
  prefix: string;
  nodeId: string;
  /** Lease lifetime: a dead holder's work moves on after at most this. */
  ttlMs: number;
}

/**
 * Leases as Redis keys: SET NX PX to take, a compare-and-expire script to renew every ttl/3, and
 * a compare-and-delete to release. The value is the holder's node id plus a random token, so a
 * node that lost its lease (paused past the TTL) can never renew or release the new holder's.
 */
export class RedisLeases implements Leases {
  readonly #o: RedisLeasesOptions;
  readonly #holders = new Map<RedisLeaseHolder, string>();
  readonly #running: string[] = [];

  constructor(o: RedisLeasesOptions) {
    this.#o = o;
  }

  hold(name: string, handlers: LeaseHandlers): LeaseHolder {
    const holder = new RedisLeaseHolder(this.#o, this.#key(name), handlers, () =>
      this.#holders.delete(holder),
    );
    this.#holders.set(holder, name);
    return holder;
  }

  heldNames(): string[] {
    const held = [...this.#holders].filter(([h]) => h.held).map(([, name]) => name);
    return [...held, ...this.#running];
  }

  async runExclusive(name: string, fn: () => Promise<void>): Promise<boolean> {
    const key = this.#key(name);
    const token = `${this.#o.nodeId}:${randomUUID()}`;
    const taken = await this.#o.redis.set(key, token, 'PX', this.#o.ttlMs, 'NX');
    if (taken !== 'OK') return false;
    // Renewed while fn runs, so a long pass (retention over many streams) keeps its lease.
    const renew = setInterval(
      () => void this.#o.redis.eval(RENEW, 1, key, token, this.#o.ttlMs).catch(() => undefined),
      Math.max(100, Math.floor(this.#o.ttlMs / 3)),
    );
    this.#running.push(name);
    try {
      await fn();
    } finally {
      this.#running.splice(this.#running.indexOf(name), 1);
      clearInterval(renew);
      await this.#o.redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
    return true;
  }

  /** Releases every lease this node holds (drain, shutdown): others take over at once. */
  async close(): Promise<void> {
    await Promise.all([...this.#holders.keys()].map((h) => h.release()));
  }

  #key(name: string): string {
    return `${this.#o.prefix}lease:${name}`;
  }
}

class RedisLeaseHolder implements LeaseHolder {
  readonly #o: RedisLeasesOptions;
  readonly #key: string;
  readonly #handlers: LeaseHandlers;
  readonly #onRelease: () => void;
  readonly #token: string;
  #held = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #heldUntil = 0;

  constructor(o: RedisLeasesOptions, key: string, handlers: LeaseHandlers, onRelease: () => void) {
    this.#o = o;
    this.#key = key;
    this.#handlers = handlers;
    this.#onRelease = onRelease;
    this.#token = `${o.nodeId}:${randomUUID()}`;
    void this.#tick();
  }

  get held(): boolean {
    return this.#held;
  }

  async release(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#onRelease();
    if (!this.#held) return;
    this.#held = false;
    await this.#o.redis.eval(RELEASE, 1, this.#key, this.#token).catch(() => undefined);
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    const { redis, ttlMs } = this.#o;
    const started = Date.now();
    try {
      if (this.#held) {
        const renewed = await redis.eval(RENEW, 1, this.#key, this.#token, ttlMs);
        if (renewed === 1) this.#heldUntil = started + ttlMs;
        else this.#lose('taken over');
      } else {
        const taken = await redis.set(this.#key, this.#token, 'PX', ttlMs, 'NX');
        if (taken === 'OK' && !this.#stopped) {
          this.#held = true;
          this.#heldUntil = started + ttlMs;
          logger.info('lease acquired', { lease: this.#key, node: this.#o.nodeId });
          this.#handlers.acquired();
        }
      }
    } catch (error) {
      // Redis unreachable: the lease may still be ours until heldUntil, not after.
      if (this.#held && Date.now() >= this.#heldUntil) this.#lose('redis unreachable');
      logger.debug('lease check failed', { lease: this.#key, error: String(error) });
    }
    if (this.#stopped) return;
    const every = Math.max(100, Math.floor(ttlMs / 3));
    this.#timer = setTimeout(() => void this.#tick(), every);
    this.#timer.unref();
  }

  #lose(reason: string): void {
    this.#held = false;
    logger.warn('lease lost', { lease: this.#key, node: this.#o.nodeId, reason });
    this.#handlers.lost();
  }
}

/** A single box: every lease is this process's (still exclusive within it). */
export class LocalLeases implements Leases {
  readonly #running = new Set<string>();
  readonly #held = new Map<object, string>();

  heldNames(): string[] {
    return [...this.#held.values(), ...this.#running];
  }

  hold(name: string, handlers: LeaseHandlers): LeaseHolder {
    let held = true;
    const token = {};
    this.#held.set(token, name);
    queueMicrotask(() => {
      if (held) handlers.acquired();
    });
    return {
      get held() {
        return held;
      },
      release: async () => {
        held = false;
        this.#held.delete(token);
      },
    };
  }

  async runExclusive(name: string, fn: () => Promise<void>): Promise<boolean> {
    if (this.#running.has(name)) return false;
    this.#running.add(name);
    try {
      await fn();
    } finally {
      this.#running.delete(name);
    }
    return true;
  }
}
