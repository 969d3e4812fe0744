import { createLogger } from '@porchlight/runtime';
import type { Leases } from '../cluster/Leases.ts';
import type { NodeDirectory } from '../cluster/NodeDirectory.ts';
import type { CallRepository } from '../store/repositories/CallRepository.ts';
import type { CallRouter } from './CallRouter.ts';
import type { CallService } from './CallService.ts';

const logger = createLogger('OrphanCallSweep');

/** Open rows looked at per sweep (more wait for the next one). */
const BATCH = 500;

export interface OrphanCallSweepOptions {
  calls: CallService;
  repo: CallRepository;
  router: CallRouter;
  nodes: NodeDirectory;
  leases: Leases;
  /**
   * Backstop period of the sweep (a `nodeDown` missed while Redis was away, an owner key that
   * expired). Default 30 s.
   */
  intervalMs?: number;
  /**
   * How long a node must have been missing from the directory before its calls are ended: a
   * heartbeat that came late (a stalled event loop) must not end live calls. Default 2 s.
   */
  graceMs?: number;
}

/**
 * Cluster mode: ends the calls of dead nodes. A call lives in its owner node's memory (timers,
 * the visitor's room); when that node leaves the directory its open rows would stay "ringing"
 * forever. On every `nodeDown`, and every `intervalMs`, one node at a time (lease
 * `doorbell-orphans`) ends each open row whose owner key is gone or names a node that is not live.
 * Ending is a conditional UPDATE, so a sweep racing another never notifies twice.
 */
export class OrphanCallSweep {
  readonly #o: OrphanCallSweepOptions;
  readonly #timer: NodeJS.Timeout;
  readonly #graceMs: number;
  /** Nodes seen leaving the directory, and when. */
  readonly #missingSince = new Map<string, number>();
  readonly #onTick = (): void => void this.sweep();
  readonly #onDown = (nodeId: string): void => {
    this.#missingSince.set(nodeId, Date.now());
    setTimeout(this.#onTick, this.#graceMs + 50).unref();
  };
  readonly #onUp = (node: { id: string }): void => void this.#missingSince.delete(node.id);
  #running: Promise<number> | undefined;
  #closed = false;

  constructor(o: OrphanCallSweepOptions) {
    this.#o = o;
    this.#graceMs = o.graceMs ?? 2_000;
    o.nodes.on('nodeDown', this.#onDown);
    o.nodes.on('nodeUp', this.#onUp);
    this.#timer = setInterval(this.#onTick, o.intervalMs ?? 30_000).unref();
  }

  /** One sweep (joined when one is running); resolves to the number of calls this node ended. */
  sweep(): Promise<number> {
    if (this.#closed) return Promise.resolve(0);
    this.#running ??= this.#sweep().finally(() => (this.#running = undefined));
    return this.#running;
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#o.nodes.off('nodeDown', this.#onDown);
    this.#o.nodes.off('nodeUp', this.#onUp);
  }

  async #sweep(): Promise<number> {
    let ended = 0;
    try {
      await this.#o.leases.runExclusive('doorbell-orphans', async () => {
        for (const row of await this.#o.repo.listOpen(BATCH)) {
          if (this.#closed) return;
          if (this.#o.calls.liveCalls.has(row.id)) continue;
          const owner = await this.#o.router.owner(row.id);
          // Rung here or on a live node: that node ends it. (Owner keys are set before rows.)
          if (owner !== null && !this.#dead(owner)) continue;
          if (await this.#o.calls.endOrphan(row)) ended++;
        }
      });
    } catch (error) {
      logger.warn('orphaned calls not swept', { error });
    }
    return ended;
  }

  /** Missing from the directory, for at least the grace when this node saw it leave. */
  #dead(nodeId: string): boolean {
    if (this.#o.nodes.get(nodeId)) return false;
    const since = this.#missingSince.get(nodeId);
    return since === undefined || Date.now() - since >= this.#graceMs;
  }
}
