import type { Principal } from '../authorization/Principal.ts';
import type { AuditEvent, NewAuditEvent, Store } from '../../store/types.ts';
import { Logger } from '../../util/Logger.ts';

const logger = new Logger('AuditLog');

export interface AuditEntry {
  principal?: Principal | undefined;
  /** When there is no principal (failed login, provisioning): who it claimed to be. */
  actor?: { type: NewAuditEvent['actorType']; id: string | null };
  action: string;
  resource?: string | null;
  outcome: NewAuditEvent['outcome'];
  ip?: string | null;
  detail?: Record<string, unknown>;
}

/** Who did what, and when. Writing never fails the request that is being audited. */
export class AuditLog {
  readonly #store: Store;
  readonly #now: () => number;

  constructor(store: Store, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  async record(e: AuditEntry): Promise<void> {
    const actorType = e.principal?.kind ?? e.actor?.type ?? 'anonymous';
    const actorId = e.principal?.id ?? e.actor?.id ?? null;
    try {
      await this.#store.appendAudit({
        at: this.#now(),
        actorType,
        actorId,
        action: e.action,
        resource: e.resource ?? null,
        outcome: e.outcome,
        ip: e.ip ?? null,
        detail: e.detail ?? {},
      });
    } catch (error) {
      logger.error('audit write failed', { action: e.action, error });
    }
  }

  query(q: Parameters<Store['queryAudit']>[0]): Promise<AuditEvent[]> {
    return this.#store.queryAudit(q);
  }
}
