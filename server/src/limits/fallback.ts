import { createLogger } from '@porchlight/runtime';

const logger = createLogger('limits');

/** How long a limiter waits for Redis before it decides locally (a request must not hang). */
export const REDIS_LIMIT_TIMEOUT_MS = 500;
/** After a failure, Redis is tried again this much later (meanwhile requests do not wait on it). */
export const REDIS_LIMIT_RETRY_MS = 5_000;

/**
 * Runs `shared` (a Redis script); when Redis fails or is slower than `timeoutMs`, answers with
 * `local` (this node's in-memory limiter) instead. Neither fail-open nor fail-closed: during an
 * outage each node enforces the same limit on its own, so the cluster allows at most N times the
 * budget for that while, and a Redis blip never locks everyone out. Logged once per outage.
 */
export class SharedOrLocal {
  readonly #name: string;
  readonly #timeoutMs: number;
  #degraded = false;
  #retryAt = 0;

  constructor(name: string, timeoutMs = REDIS_LIMIT_TIMEOUT_MS) {
    this.#name = name;
    this.#timeoutMs = timeoutMs;
  }

  async run<T>(shared: () => Promise<T>, local: () => T): Promise<T> {
    if (this.#degraded && Date.now() < this.#retryAt) return local();
    let timer: NodeJS.Timeout | undefined;
    try {
      const value = await Promise.race([
        shared(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.#timeoutMs} ms`)),
            this.#timeoutMs,
          );
        }),
      ]);
      if (this.#degraded) {
        this.#degraded = false;
        logger.info('shared rate limit restored', { limiter: this.#name });
      }
      return value;
    } catch (error) {
      this.#retryAt = Date.now() + REDIS_LIMIT_RETRY_MS;
      if (!this.#degraded) {
        this.#degraded = true;
        logger.warn('shared rate limit unavailable: limiting per node', {
          limiter: this.#name,
          error: String(error),
        });
      }
      return local();
    } finally {
      clearTimeout(timer);
    }
  }
}
