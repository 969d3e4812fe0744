import type { Account, ApiKey, Device } from '../../store/types.ts';
import type { Statement } from './roles.ts';

/** Who is asking, with the statements that decide what they may do. Built by the Authorizer. */
export type Principal =
  | {
      kind: 'account';
      id: string;
      account: Account;
      statements: Statement[];
      /** The login session its access token belongs to (ends with it); see AccessTokens. */
      sessionId?: string;
    }
  | { kind: 'device'; id: string; device: Device; statements: Statement[] }
  | { kind: 'apikey'; id: string; key: ApiKey; account: Account; statements: Statement[] }
  /**
   * A doorbell visitor (or the doorbell device acting as one): bound to ONE call by its
   * credential; `id` is the call id. Only the call endpoints and the call's media room accept it.
   */
  | { kind: 'visitor'; id: string; call: VisitorScope; statements: Statement[] }
  /**
   * The server's own detector host (headless Chromium analysing cameras that cannot detect):
   * `id` is its launch. It may watch live, read the detection settings of and post events for
   * exactly `cameras` (its assignment, re-read on refresh); every other route refuses it.
   */
  | { kind: 'detector'; id: string; cameras: readonly CameraRef[]; statements: Statement[] };

/** A camera by site and id. */
export interface CameraRef {
  siteId: string;
  deviceId: string;
}

/**
 * Detector host tokens are verified, and their principals rebuilt, by the detection module
 * (its assignment changes while the token lives); identity reaches it through this port.
 */
export interface DetectorHostAuthority {
  /** A `pldh_` bearer -> the host's principal, or UNAUTHORIZED. */
  authenticate(bearer: string): Principal;
  /** The same launch with its current assignment, or UNAUTHORIZED once it ended. */
  refresh(id: string): Principal;
}

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
