import type { RestartPolicy } from './TurnSupervisorTypes.ts';

/** Exponential backoff between restarts of a crashing process, reset by a long enough life. */
export class RestartBackoff {
  #attempt = 0;

  constructor(private readonly policy: RestartPolicy) {}

  /** Delay before restarting a process that died after living `livedMs`. */
  next(livedMs: number): number {
    const p = this.policy;
    if (livedMs >= p.resetAfterMs) this.#attempt = 0;
    const delay = Math.min(p.maxDelayMs, p.initialDelayMs * p.multiplier ** this.#attempt);
    this.#attempt++;
    return delay;
  }

  /** A requested restart (not a crash) starts the count again. */
  reset(): void {
    this.#attempt = 0;
  }
}
