/**
 * Invitation links are `/invite#<token>`: the token is the whole fragment, which browsers never
 * send to a server or proxy. It is taken out of the address bar at once (not bookmarked or
 * shoulder-surfed) and kept for this tab only, so a reload before accepting still works.
 */
const KEY = 'porchlight.invite';

export const INVITE_PATH = '/invite';

/** The token of an invitation page just opened or reloaded in this tab, or null. */
export function takeInviteToken(): string | null {
  if (location.pathname !== INVITE_PATH) return null;
  const fresh = location.hash.slice(1);
  if (/^[A-Za-z0-9_-]{20,128}$/.test(fresh)) {
    history.replaceState(history.state, '', INVITE_PATH);
    try {
      sessionStorage.setItem(KEY, fresh);
    } catch {
      // Not kept: a reload then needs the link again.
    }
    return fresh;
  }
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Done with the invitation (accepted or abandoned): forget it and leave /invite. */
export function leaveInvite(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing kept.
  }
  history.replaceState(history.state, '', '/');
}
