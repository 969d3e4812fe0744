import type { Authorizer } from '../identity/authorization/Authorizer.ts';
import type { AuditLog } from '../identity/audit/AuditLog.ts';
import type { IdentityEvents } from '../identity/IdentityEvents.ts';
import type { Session } from '../identity/authentication/LoginService.ts';
import type { ApiKey, Device, DeviceKind, Store } from '../store/types.ts';
import type { RecordingService } from '../recording/RecordingService.ts';
import type { PlaybackTokens } from '../recording/playback/PlaybackTokens.ts';

/**
 * What route handlers may use: narrow interfaces, wired once in the composition root. Handlers
 * never import services directly.
 */
export interface ApiContext {
  store: Store;
  authorizer: Authorizer;
  audit: AuditLog;
  events: IdentityEvents;
  /** Origin the apps are served from, for links (provisioning QR codes). */
  publicUrl: () => string;
  now: () => number;
  /**
   * Brute-force guard for public endpoints that take a secret in the body (provisioning codes,
   * device credentials): `check` throws RATE_LIMITED while `key` is locked out.
   */
  guard: { check(key: string): void; failed(key: string): void };
  accounts: {
    login(email: string, password: string, ip: string): Promise<Session>;
    refresh(refreshToken: string): Promise<Session>;
    logout(refreshToken: string): Promise<void>;
    /** Revokes every refresh token of the account (disable, password change). */
    revokeSessions(accountId: string): Promise<void>;
    hashPassword(password: string): Promise<string>;
  };
  apiKeys: {
    create(
      accountId: string,
      o: { name: string; scopes: string[]; siteId: string | null },
    ): Promise<{ key: string; record: ApiKey }>;
    revoke(id: string): Promise<void>;
  };
  devices: {
    createCode(o: {
      siteId: string;
      kind: DeviceKind;
      name: string;
      createdBy: string;
      ttlSeconds?: number;
    }): Promise<{
      code: string;
      deviceId: string;
      expiresAt: number;
    }>;
    redeem(
      code: string,
      info: { userAgent: string | null; firmware: string | null; address: string | null },
    ): Promise<{ credential: string; device: Device }>;
    rotateCredential(deviceId: string): Promise<string>;
    revoke(deviceId: string): Promise<void>;
    /** Exchanges a device credential for a short-lived device token. */
    issueToken(credential: string): Promise<{ token: string; expiresIn: number; device: Device }>;
  };
  recordings: {
    service: RecordingService;
    tokens: PlaybackTokens;
    /** Default lifetime of signed playback URLs (seconds). */
    playbackTtlSeconds: number;
    /** New data keys for every stream and every data key re-wrapped under the current master key. */
    rotateKeys(): Promise<{ rotated: number; rewrapped: number }>;
  };
}
