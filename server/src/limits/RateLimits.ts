import type { Cluster } from '../cluster/Cluster.ts';
import {
  LoginRateLimiter,
  type LockoutLimiter,
  type LoginRateLimiterOptions,
} from '../identity/authentication/LoginRateLimiter.ts';
import { SlidingWindowLimiter, type WindowLimiter } from '../SlidingWindowLimiter.ts';
import { RedisLockoutLimiter } from './RedisLockoutLimiter.ts';
import { RedisWindowLimiter } from './RedisWindowLimiter.ts';

export interface WindowOptions {
  limit: number;
  windowMs: number;
  now: () => number;
}

/**
 * Makes the server's rate limiters: in memory on a single box, in Redis in a cluster (one budget
 * across nodes). `name` separates the limiters' keys and must be unique per limiter.
 */
export interface RateLimits {
  window(name: string, o: WindowOptions): WindowLimiter;
  lockout(name: string, o: LoginRateLimiterOptions): LockoutLimiter;
}

/** A single box: every limiter in this process's memory. */
export const localRateLimits: RateLimits = {
  window: (_name, o) => new SlidingWindowLimiter(o),
  lockout: (_name, o) => new LoginRateLimiter(o),
};

/** Redis-backed limiters for a cluster, in-memory ones on a single box. */
export function rateLimitsOf(cluster: Pick<Cluster, 'redis'>, keyPrefix: string): RateLimits {
  const redis = cluster.redis;
  if (!redis) return localRateLimits;
  const prefix = (name: string): string => `${keyPrefix}rl:${name}:`;
  return {
    window: (name, o) => new RedisWindowLimiter({ ...o, redis, prefix: prefix(name) }),
    lockout: (name, o) => new RedisLockoutLimiter({ ...o, redis, prefix: prefix(name) }),
  };
}
