import { Redis } from 'ioredis';
import { createLogger } from '@porchlight/runtime';
import { ClusterUnavailableError } from './errors.ts';

const logger = createLogger('cluster.redis');

/** How long start-up waits for Redis before giving up. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connects to Redis and waits until it answers. After start-up ioredis reconnects on its own
 * (commands queue meanwhile), so a Redis restart costs a pause, not the node.
 */
export async function connectRedis(url: string, name: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectionName: name,
    // Queued commands fail after this many reconnect attempts instead of hanging forever.
    maxRetriesPerRequest: 20,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let lastError = '';
  redis.on('error', (error: Error) => {
    // Logged once per distinct message: a down Redis would otherwise log every 200 ms.
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn('redis connection error', { name, error: error.message });
  });
  redis.on('ready', () => {
    if (lastError !== '') logger.info('redis connection restored', { name });
    lastError = '';
  });
  try {
    await withTimeout(redis.connect(), CONNECT_TIMEOUT_MS);
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new ClusterUnavailableError(
      `cannot reach Redis at ${redactUrl(url)}: ${(error as Error).message}`,
    );
  }
  return redis;
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparsable URL';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
