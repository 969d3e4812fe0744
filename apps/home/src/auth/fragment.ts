/**
 * Secrets reach this page in the URL fragment (`/#provision=CODE`, `/#token=…`): browsers never
 * send it to servers, proxies or logs. Each is read once and removed from the address bar so it
 * is not bookmarked, shared or shoulder-surfed.
 */
export type FragmentKey = 'provision' | 'token';

function params(): URLSearchParams {
  return new URLSearchParams(location.hash.slice(1));
}

export function hasInFragment(key: FragmentKey): boolean {
  return params().has(key);
}

/** Returns the value of `key` in the fragment (if any) and strips it from the URL. */
export function takeFromFragment(key: FragmentKey): string | null {
  const all = params();
  const value = all.get(key);
  if (value === null) return null;
  all.delete(key);
  const rest = all.toString();
  history.replaceState(
    history.state,
    '',
    `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`,
  );
  return value || null;
}

/** Opening another link in this tab only changes the fragment: start over with it. */
export function reloadOnNewSecret(): void {
  addEventListener('hashchange', () => {
    if (hasInFragment('provision') || hasInFragment('token')) location.reload();
  });
}
