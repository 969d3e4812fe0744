import { createHash } from 'node:crypto';
import type { NewAuditEvent } from '../../store/repositories/AuditRepository.ts';

/** The predecessor of the first row ever chained (and of the first after a wiped log). */
export const GENESIS = '';

/** JSON with object keys sorted at every depth: PostgreSQL's JSONB reorders keys, SQLite does not. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * SHA-256 (hex) over the predecessor's hash and the row's canonical form. The id is not part of it
 * (the database assigns it on insert); order is what `prevHash` encodes.
 */
export function chainHash(prevHash: string, e: NewAuditEvent): string {
  const row = canonicalJson([
    e.at,
    e.actorType,
    e.actorId,
    e.action,
    e.resource,
    e.outcome,
    e.ip,
    e.detail,
  ]);
  return createHash('sha256').update(`${prevHash}\n${row}`, 'utf8').digest('hex');
}
