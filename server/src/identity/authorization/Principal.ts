import type { Account, ApiKey, Device } from '../../store/types.ts';
import type { Statement } from './roles.ts';

/** Who is asking, with the statements that decide what they may do. Built by the Authorizer. */
export type Principal =
  | { kind: 'account'; id: string; account: Account; statements: Statement[] }
  | { kind: 'device'; id: string; device: Device; statements: Statement[] }
  | { kind: 'apikey'; id: string; key: ApiKey; account: Account; statements: Statement[] }
  /**
   * A doorbell visitor (or the doorbell device acting as one): bound to ONE call by its
   * credential; `id` is the call id. Only the call endpoints and the call's media room accept it.
   */
  | { kind: 'visitor'; id: string; call: VisitorScope; statements: Statement[] };

/** The one call a visitor credential is good for. */
export interface VisitorScope {
  callId: string;
  siteId: string;
  doorId: string;
}

/** Human-readable actor for the audit log. */
export function actorOf(p: Principal): { actorType: Principal['kind']; actorId: string } {
  return { actorType: p.kind, actorId: p.id };
}
