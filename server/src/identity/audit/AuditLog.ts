import type { Principal } from '../authorization/Principal.ts';
import type {
  AuditEvent,
  AuditQuery,
  AuditRepository,
  NewAuditEvent,
} from '../../store/repositories/AuditRepository.ts';
import { createLogger } from '@porchlight/runtime';
import { DuplicateError } from '../../store/errors.ts';
import { chainHash, GENESIS } from './chainHash.ts';
import { pruneAuditLog, verifyAuditChain, type ChainReport } from './AuditChain.ts';

/** Tries to append on the newest tail before giving up (other nodes writing at the same time). */
const CHAIN_ATTEMPTS = 20;

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

/**
 * Who did what, and when. Writing never fails the request that is being audited. Every row is
 * chained to the one before by hash (tamper evidence, verifyAuditChain); writes of this process
 * are queued so they do not race each other for the tail, and a race with another node is lost
 * cleanly (the unique predecessor index) and retried.
 */
export class AuditLog {
  readonly #repo: AuditRepository;
  readonly #now: () => number;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(repo: AuditRepository, now: () => number = Date.now) {
    this.#repo = repo;
    this.#now = now;
  }

  async record(e: AuditEntry): Promise<void> {
    const actorType = e.principal?.kind ?? e.actor?.type ?? 'anonymous';
    const actorId = e.principal?.id ?? e.actor?.id ?? null;
    const event: NewAuditEvent = {
      at: this.#now(),
      actorType,
      actorId,
      action: e.action,
      resource: e.resource ?? null,
      outcome: e.outcome,
      ip: e.ip ?? null,
      detail: e.detail ?? {},
    };
    const write = this.#queue.then(() => this.#appendChained(event));
    this.#queue = write.catch(() => {});
    try {
      await write;
    } catch (error) {
      logger.error('audit write failed', { action: e.action, error });
    }
  }

  query(q: AuditQuery): Promise<AuditEvent[]> {
    return this.#repo.query(q);
  }

  /** Checks the hash chain; names the first broken row. */
  verify(): Promise<ChainReport> {
    return verifyAuditChain(this.#repo);
  }

  /** Deletes rows older than `retentionDays` (0: keep forever), keeping the chain verifiable. */
  async prune(retentionDays: number): Promise<number> {
    if (retentionDays <= 0) return 0;
    return pruneAuditLog(this.#repo, this.#now() - retentionDays * 86_400_000);
  }

  async #appendChained(event: NewAuditEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const prevHash =
        (await this.#repo.chainTail()) ?? (await this.#repo.anchor())?.hash ?? GENESIS;
      try {
        await this.#repo.append(event, { prevHash, hash: chainHash(prevHash, event) });
        return;
      } catch (error) {
        // Another node appended on the same tail first: read the new tail and try again.
        if (!(error instanceof DuplicateError) || attempt >= CHAIN_ATTEMPTS) throw error;
      }
    }
  }
}
