import type { SessionAccount, SessionManager } from '@porchlight/sdk/rest';
import { DEFAULT_SESSION_STORAGE_KEY } from '@porchlight/sdk/rest';

export const SESSION_ENDED_MESSAGE =
  'Your session has ended (it expired or was revoked). Please log in again.';

export interface SessionFollower {
  /** The session is gone; `message` (when it expired or was revoked) is for the banner. */
  ended(message: string | null): void;
  /** Logged in, refreshed into another account, or ended (null). */
  changed?(account: SessionAccount | null): void;
  /** Another tab (or the other app, same origin) logged in: the stored session is someone's. */
  loggedInElsewhere(): void;
}

/** Follows the person's session as it changes, here or in another tab. */
export function followSession(
  session: Pick<SessionManager, 'on' | 'sync' | 'loggedIn'>,
  follower: SessionFollower,
): void {
  session.on('ended', (reason) =>
    follower.ended(reason === 'expired' ? SESSION_ENDED_MESSAGE : null),
  );
  if (follower.changed) session.on('changed', follower.changed);
  addEventListener('storage', (event) => {
    if (event.key !== null && event.key !== DEFAULT_SESSION_STORAGE_KEY) return;
    if (session.sync() && session.loggedIn) follower.loggedInElsewhere();
  });
}
