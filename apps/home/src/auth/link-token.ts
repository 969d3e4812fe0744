/**
 * A ready-made token in the link (`/#token=…`): how tests and kiosk set-ups open a session without
 * logging in. It is kept in sessionStorage (this tab, across reloads) and cannot be renewed: once
 * it has expired, the next reconnect is refused and the page asks for a new link.
 */
const STORAGE_KEY = 'porchlight.token';

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage;
  } catch {
    return null;
  }
}

export function keepLinkToken(token: string | null): string | null {
  if (token) storage()?.setItem(STORAGE_KEY, token);
  return token ?? storage()?.getItem(STORAGE_KEY) ?? null;
}

export function forgetLinkToken(): void {
  storage()?.removeItem(STORAGE_KEY);
}
