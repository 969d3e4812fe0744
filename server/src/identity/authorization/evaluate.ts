import { actionMatches, type Action } from './actions.ts';
import { resourceMatches, type Resource } from './resources.ts';
import type { Statement } from './roles.ts';

export interface Decision {
  allowed: boolean;
  /** Why, for logs and audit (never shown to clients in detail). */
  reason: 'explicit-deny' | 'allowed' | 'no-matching-statement';
}

function applies(s: Statement, action: Action, resource: Resource, now: number): boolean {
  if (s.notBefore !== undefined && now < s.notBefore) return false;
  if (s.notAfter !== undefined && now >= s.notAfter) return false;
  return (
    s.actions.some((a) => actionMatches(a, action)) &&
    s.resources.some((r) => resourceMatches(r, resource))
  );
}

/** IAM evaluation: an applicable deny wins, else an applicable allow, else deny. Pure. */
export function evaluate(
  statements: readonly Statement[],
  action: Action,
  resource: Resource,
  now: number,
): Decision {
  let allowed = false;
  for (const s of statements) {
    if (!applies(s, action, resource, now)) continue;
    if (s.effect === 'deny') return { allowed: false, reason: 'explicit-deny' };
    allowed = true;
  }
  return { allowed, reason: allowed ? 'allowed' : 'no-matching-statement' };
}

/** The earliest future instant at which any statement's window opens or closes (for re-checks). */
export function nextWindowEdge(statements: readonly Statement[], now: number): number | null {
  let next: number | null = null;
  for (const s of statements) {
    for (const t of [s.notBefore, s.notAfter]) {
      if (t !== undefined && t > now && (next === null || t < next)) next = t;
    }
  }
  return next;
}
