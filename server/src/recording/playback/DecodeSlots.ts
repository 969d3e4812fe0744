import { RateLimitedError } from '../../identity/authentication/RateLimitedError.ts';

/**
 * At most `running` jobs at once (one ffmpeg each) and `queued` waiting; a job beyond both is
 * refused at once with RATE_LIMITED and a Retry-After, so a burst of uncached snapshot requests
 * cannot fork ffmpeg without bound nor pile up waiters (finding 5).
 */
export class DecodeSlots {
  readonly #running: number;
  readonly #queued: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(o: { running: number; queued: number }) {
    this.#running = Math.max(1, o.running);
    this.#queued = Math.max(0, o.queued);
  }

  get active(): number {
    return this.#active;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#running) {
      if (this.#waiting.length >= this.#queued) {
        throw new RateLimitedError(1, 'too many snapshots being decoded; try again shortly');
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active++;
    }
    try {
      return await job();
    } finally {
      // Hand the slot straight to the next waiter (active stays the same), else free it.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
