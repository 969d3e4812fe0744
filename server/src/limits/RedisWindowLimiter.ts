import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { SlidingWindowLimiter, type WindowLimiter } from '../SlidingWindowLimiter.ts';
import { SharedOrLocal } from './fallback.ts';

/*
 * One sorted set per key: members are hits, scores their times. Each script first drops hits
 * that left the window, so the set never holds more than `limit` (+ the ones being counted), and
 * the key expires a window after its last hit. ARGV: now, windowMs, limit, member.
 * Returns the milliseconds to wait (0: may act now).
 */
const PRELUDE = `
local now = tonumber(ARGV[1]); local window = tonumber(ARGV[2]); local limit = tonumber(ARGV[3])
redis.call('zremrangebyscore', KEYS[1], '-inf', now - window)
local waitMs = 0
if redis.call('zcard', KEYS[1]) >= limit then
  local oldest = redis.call('zrange', KEYS[1], 0, 0, 'WITHSCORES')
  waitMs = math.max(1, tonumber(oldest[2]) + window - now)
end
`;
const TAKE = `redis.call('zadd', KEYS[1], ARGV[1], ARGV[4]); redis.call('pexpire', KEYS[1], ARGV[2])`;
const WAIT_SCRIPT = `${PRELUDE} return waitMs`;
const TAKE_SCRIPT = `${PRELUDE} ${TAKE} return 0`;
const ATTEMPT_SCRIPT = `${PRELUDE} if waitMs == 0 then ${TAKE} end return waitMs`;

const WaitMs = z.number().int().nonnegative();

export interface RedisWindowLimiterOptions {
  redis: Redis;
  /** Key prefix: the deployment's, the limiter's name. */
  prefix: string;
  limit: number;
  windowMs: number;
  now: () => number;
}

/**
 * The sliding window shared by every node (rings, notification actions, detection posts): one
 * atomic Lua script per check, so two nodes never both admit the last allowed event in
 * `attempt`. While Redis is unreachable each node limits on its own (SharedOrLocal).
 */
export class RedisWindowLimiter implements WindowLimiter {
  readonly #o: RedisWindowLimiterOptions;
  readonly #local: SlidingWindowLimiter;
  readonly #fallback: SharedOrLocal;

  constructor(o: RedisWindowLimiterOptions) {
    this.#o = o;
    this.#local = new SlidingWindowLimiter(o);
    this.#fallback = new SharedOrLocal(o.prefix);
  }

  wait(key: string): Promise<number> {
    return this.#fallback.run(
      () => this.#run(WAIT_SCRIPT, key),
      () => this.#local.waitNow(key),
    );
  }

  async take(key: string): Promise<void> {
    await this.#fallback.run(
      () => this.#run(TAKE_SCRIPT, key),
      () => {
        this.#local.takeNow(key);
        return 0;
      },
    );
  }

  attempt(key: string): Promise<number> {
    return this.#fallback.run(
      () => this.#run(ATTEMPT_SCRIPT, key),
      () => {
        const wait = this.#local.waitNow(key);
        if (wait === 0) this.#local.takeNow(key);
        return wait;
      },
    );
  }

  async #run(script: string, key: string): Promise<number> {
    const { redis, prefix, windowMs, limit, now } = this.#o;
    const reply = await redis.eval(
      script,
      1,
      `${prefix}${key}`,
      now(),
      windowMs,
      limit,
      randomUUID(),
    );
    const waitMs = WaitMs.parse(reply);
    return waitMs === 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000));
  }
}
