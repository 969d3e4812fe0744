import type { LeaseHolder, Leases } from '../cluster/Leases.ts';

/**
 * Which node runs the recording maintenance (retention, the disk guard, detection event
 * retention, stored-bytes sampling) over one storage: the holder of the lease named after the
 * storage, so nodes sharing a bucket and prefix take turns only when the holder dies or closes,
 * and two never delete at once. Without leases (a single box) this node always does.
 */
export class MaintenanceLease {
  readonly #holder: LeaseHolder | undefined;
  #closed = false;

  constructor(o: { leases?: Pick<Leases, 'hold'>; name: string }) {
    // Nothing to do on acquire or loss: each pass asks `mine` when it starts.
    this.#holder = o.leases?.hold(o.name, { acquired: () => {}, lost: () => {} });
  }

  /** Whether this node runs the maintenance now. */
  get mine(): boolean {
    return !this.#closed && (this.#holder?.held ?? true);
  }

  /** Runs `pass` if this node holds the lease; resolves whether it ran. */
  async run(pass: () => Promise<void>): Promise<boolean> {
    if (!this.mine) return false;
    await pass();
    return true;
  }

  /** Gives the lease up (another node takes over at once). Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#holder?.release();
  }
}
