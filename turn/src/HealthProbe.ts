import { stunProbe } from './stunProbe.ts';
import type { HealthCheckOptions } from './TurnSupervisorTypes.ts';

export interface HealthProbeHandlers {
  /** First success, or the first success after `unhealthy`. */
  healthy(): void;
  /** failuresBeforeUnhealthy probes in a row failed after the process had been healthy. */
  unhealthy(error: Error): void;
}

/**
 * STUN Binding health checks of ONE coturn process: fast probes until the first success, then
 * every intervalMs. A new process gets a new probe, so a probe of a dead process still waiting
 * out its timeout never delays or answers for its successor.
 */
export class HealthProbe {
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #healthy = false;
  #failures = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly options: HealthCheckOptions,
    private readonly handlers: HealthProbeHandlers,
  ) {
    this.#schedule(options.startupIntervalMs);
  }

  get healthy(): boolean {
    return this.#healthy;
  }

  /** No more probes; the result of one in flight is ignored. */
  stop(): void {
    this.#stopped = true;
    this.#healthy = false;
    clearTimeout(this.#timer);
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#run(), delayMs);
  }

  async #run(): Promise<void> {
    try {
      await stunProbe({ ...this.target, timeoutMs: this.options.timeoutMs });
      if (this.#stopped) return;
      this.#failures = 0;
      if (!this.#healthy) {
        this.#healthy = true;
        this.handlers.healthy();
      }
    } catch (error) {
      if (this.#stopped) return;
      this.#failures++;
      if (this.#healthy && this.#failures >= this.options.failuresBeforeUnhealthy) {
        this.#healthy = false;
        this.handlers.unhealthy(error as Error);
      }
    }
    const o = this.options;
    this.#schedule(this.#healthy ? o.intervalMs : o.startupIntervalMs);
  }
}
