import type { AuditRepository } from '../../store/repositories/AuditRepository.ts';
import { chainHash, GENESIS } from './chainHash.ts';

/** The verdict on the audit log's hash chain. */
export interface ChainReport {
  ok: boolean;
  /** Chained rows checked. */
  checked: number;
  /** Rows written before the chain existed (no hash; not verifiable). */
  unchained: number;
  /** Where verification started: the last row retention deleted (null: the beginning). */
  anchorId: number | null;
  /** The first row that fails, and why; null when the chain holds. */
  firstBroken: { id: number; reason: string } | null;
}

const PAGE = 1000;

/**
 * Verifies the chain from the retention anchor (or the first row) to the newest row: each row's
 * hash must match its contents, and its `prevHash` its predecessor's hash. Names the first row
 * that does not: an edited row fails its own hash; a removed or inserted row breaks the link of
 * the row after it.
 */
export async function verifyAuditChain(repo: AuditRepository): Promise<ChainReport> {
  const anchor = await repo.anchor();
  let expected = anchor?.hash ?? GENESIS;
  let after = anchor?.lastId ?? 0;
  let checked = 0;
  let unchained = 0;
  let started = false;
  const broken = (id: number, reason: string): ChainReport => ({
    ok: false,
    checked,
    unchained,
    anchorId: anchor?.lastId ?? null,
    firstBroken: { id, reason },
  });
  for (;;) {
    const rows = await repo.chainPage(after, PAGE);
    for (const row of rows) {
      after = row.id;
      if (row.hash === null || row.prevHash === null) {
        // Rows from before the chain may only precede it.
        if (started || row.hash !== row.prevHash)
          return broken(row.id, 'row without a hash inside the chain');
        unchained++;
        continue;
      }
      started = true;
      const { id: _id, prevHash, hash, ...event } = row;
      if (chainHash(prevHash, event) !== hash) {
        return broken(row.id, 'contents do not match the row hash (the row was edited)');
      }
      if (prevHash !== expected) {
        return broken(
          row.id,
          'does not follow the previous row (a row before it was removed, inserted or edited)',
        );
      }
      expected = hash;
      checked++;
    }
    if (rows.length < PAGE) break;
  }
  return { ok: true, checked, unchained, anchorId: anchor?.lastId ?? null, firstBroken: null };
}

/**
 * Deletes rows written before `cutoff` (unix ms) and keeps the chain verifiable: the anchor takes
 * the hash of the last deleted row. Returns the rows deleted.
 */
export async function pruneAuditLog(repo: AuditRepository, cutoff: number): Promise<number> {
  const last = await repo.lastBefore(cutoff);
  if (!last) return 0;
  // A deleted unchained row precedes the whole chain: the next chained row follows GENESIS.
  const hash = last.hash ?? (await repo.anchor())?.hash ?? GENESIS;
  return repo.deleteThrough({ lastId: last.id, hash });
}
