import type { Principal } from '../authorization/Principal.ts';
import type {
  AuditEvent,
  AuditQuery,
  AuditRepository,
  NewAuditEvent,
} from '../../store/repositories/AuditRepository.ts';
import { createLogger } from '@porchlight/runtime';

const logger = createLogger('AuditLog');

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
  readonly #repo: AuditRepository;
  readonly #now: () => number;

  constructor(repo: AuditRepository, now: () => number = Date.now) {
    this.#repo = repo;
    this.#now = now;
  }

  async record(e: AuditEntry): Promise<void> {
    const actorType = e.principal?.kind ?? e.actor?.type ?? 'anonymous';
    const actorId = e.principal?.id ?? e.actor?.id ?? null;
    try {
      await this.#repo.append({
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

  query(q: AuditQuery): Promise<AuditEvent[]> {
    return this.#repo.query(q);
  }
}
