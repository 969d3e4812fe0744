/**
 * The access token arrives in the URL fragment (`/#token=...`, never sent to servers or logs).
 * It is moved to sessionStorage (survives reloads of this tab, not other tabs) and removed from
 * the address bar so it is not bookmarked, shared or shoulder-surfed.
 */
const STORAGE_KEY = 'porchlight.token';

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage;
  } catch {
    // Storage can be disabled (privacy modes); the token then lives for this page load only.
    return null;
  }
}

function tokenInHash(): string | null {
  return new URLSearchParams(location.hash.slice(1)).get('token');
}

export function takeToken(): string | null {
  const fromHash = tokenInHash();
  if (fromHash) {
    storage()?.setItem(STORAGE_KEY, fromHash);
    const params = new URLSearchParams(location.hash.slice(1));
    params.delete('token');
    const rest = params.toString();
    history.replaceState(
      history.state,
      '',
      `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`,
    );
    return fromHash;
  }
  return storage()?.getItem(STORAGE_KEY) ?? null;
}

export function forgetToken(): void {
  storage()?.removeItem(STORAGE_KEY);
}

/** Opening another link in this tab only changes the hash: start over with the new token. */
export function reloadOnNewToken(): void {
  addEventListener('hashchange', () => {
    if (tokenInHash()) location.reload();
  });
}
