import type { Account, ApiKey, Device } from '../../store/types.ts';
import type { Statement } from './roles.ts';

/** Who is asking, with the statements that decide what they may do. Built by the Authorizer. */
export type Principal =
  | { kind: 'account'; id: string; account: Account; statements: Statement[] }
  | { kind: 'device'; id: string; device: Device; statements: Statement[] }
  | { kind: 'apikey'; id: string; key: ApiKey; account: Account; statements: Statement[] };

/** Human-readable actor for the audit log. */
export function actorOf(p: Principal): { actorType: Principal['kind']; actorId: string } {
  return { actorType: p.kind, actorId: p.id };
}
