import type { Redis } from 'ioredis';
import { z } from 'zod';
import {
  LoginRateLimiter,
  type LockoutLimiter,
  type LoginRateLimiterOptions,
} from '../identity/authentication/LoginRateLimiter.ts';
import { SharedOrLocal } from './fallback.ts';

/*
 * LoginRateLimiter's rules as Lua over one JSON value per key: f = failure times (before the
 * first lockout), s = strikes, l = locked until, t = last failure. The key expires a window after
 * max(t, l), which is the limiter's "quiet for a window: forgotten". ARGV: now, windowMs, then for
 * FAIL maxFailures, baseLockMs, maxLockMs. Both return milliseconds.
 */
const LOAD = `
local now = tonumber(ARGV[1]); local window = tonumber(ARGV[2])
local raw = redis.call('get', KEYS[1])
local e = nil
if raw then
  local ok, decoded = pcall(cjson.decode, raw)
  if ok and type(decoded) == 'table' and type(decoded.t) == 'number' and type(decoded.l) == 'number'
    and type(decoded.s) == 'number' and type(decoded.f) == 'table'
    and now - math.max(decoded.t, decoded.l) <= window then e = decoded end
end
`;
const RETRY_SCRIPT = `${LOAD}
if not e then return 0 end
return math.max(0, e.l - now)`;
const FAIL_SCRIPT = `${LOAD}
local maxFailures = tonumber(ARGV[3]); local base = tonumber(ARGV[4]); local maxLock = tonumber(ARGV[5])
if not e then e = { f = {}, s = 0, l = 0, t = 0 } end
e.t = now
local lock = 0
if e.s > 0 then
  lock = math.min(base * 2 ^ math.min(e.s, 30), maxLock)
else
  local kept = {}
  for _, x in ipairs(e.f) do if x > now - window then kept[#kept + 1] = x end end
  kept[#kept + 1] = now
  e.f = kept
  if #kept >= maxFailures then lock = base end
end
if lock > 0 then e.s = e.s + 1; e.f = {}; e.l = now + lock end
redis.call('set', KEYS[1], cjson.encode(e), 'PX', math.floor(math.max(e.t, e.l) + window - now + 1000))
return lock`;

const Ms = z.number().int().nonnegative();

export interface RedisLockoutLimiterOptions extends LoginRateLimiterOptions {
  redis: Redis;
  /** Key prefix: the deployment's, the limiter's name. */
  prefix: string;
}

/**
 * Failed-attempt lockouts shared by every node (login per account and per address, the public
 * guard of codes and links): 10 failures spread over two nodes lock like 10 on one. Atomic per
 * failure (one script). While Redis is unreachable each node locks out on its own.
 */
export class RedisLockoutLimiter implements LockoutLimiter {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #local: LoginRateLimiter;
  readonly #fallback: SharedOrLocal;
  readonly #windowMs: number;
  readonly #maxFailures: number;
  readonly #baseLockMs: number;
  readonly #maxLockMs: number;
  readonly #now: () => number;

  constructor(o: RedisLockoutLimiterOptions) {
    this.#redis = o.redis;
    this.#prefix = o.prefix;
    // The same defaults and validation as on a single box.
    this.#local = new LoginRateLimiter(o);
    this.#fallback = new SharedOrLocal(o.prefix);
    this.#maxFailures = o.maxFailures ?? 5;
    this.#windowMs = (o.windowSeconds ?? 900) * 1000;
    this.#baseLockMs = (o.baseLockSeconds ?? 60) * 1000;
    this.#maxLockMs = (o.maxLockSeconds ?? 3600) * 1000;
    this.#now = o.now ?? Date.now;
  }

  retryAfterSeconds(key: string): Promise<number> {
    return this.#fallback.run(
      async () => seconds(await this.#eval(RETRY_SCRIPT, key)),
      () => this.#local.retryAfterSecondsNow(key),
    );
  }

  recordFailure(key: string): Promise<number> {
    return this.#fallback.run(
      async () =>
        seconds(
          await this.#eval(FAIL_SCRIPT, key, this.#maxFailures, this.#baseLockMs, this.#maxLockMs),
        ),
      () => this.#local.recordFailureNow(key),
    );
  }

  async reset(key: string): Promise<void> {
    this.#local.resetNow(key);
    await this.#fallback.run(
      async () => this.#redis.del(`${this.#prefix}${key}`),
      () => 0,
    );
  }

  async #eval(script: string, key: string, ...args: number[]): Promise<number> {
    const reply = await this.#redis.eval(
      script,
      1,
      `${this.#prefix}${key}`,
      this.#now(),
      this.#windowMs,
      ...args,
    );
    return Ms.parse(reply);
  }
}

function seconds(ms: number): number {
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}
