import type { PorchlightApi, SessionManager } from '@porchlight/sdk/rest';
import { describeApiError } from '@porchlight/sdk/rest';

/**
 * The ChangePasswordForm's action for a page: changes the password in cookie mode and adopts the
 * fresh session the server answers (every other session, and this page's old access token, just
 * ended). Resolves with null, or the message to show.
 */
export function changePasswordWith(
  api: Pick<PorchlightApi, 'changePassword'>,
  session: Pick<SessionManager, 'start'>,
): (current: string, next: string) => Promise<string | null> {
  return async (current, next) => {
    try {
      session.start(await api.changePassword(current, next, { cookie: true }));
      return null;
    } catch (error) {
      return describeApiError(error);
    }
  };
}
