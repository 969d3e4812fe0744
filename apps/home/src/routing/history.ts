import { formatRoute, LIVE, parseRoute, type Route } from './routes.ts';

/**
 * The browser side of routing: reads the current address, writes new ones (pushState for a new
 * screen, replaceState for the same screen's state such as a timeline position, so scrubbing adds
 * no history entries) and reports back/forward. The History API only, no router dependency.
 */

/** The route of the page's address; an unknown address is the live grid. */
export function currentRoute(): Route {
  if (typeof location === 'undefined') return LIVE;
  return parseRoute(location.pathname, location.search) ?? LIVE;
}

/** Writes `route` into the address bar; `replace` keeps one history entry. */
export function writeRoute(route: Route, replace: boolean): void {
  if (typeof history === 'undefined') return;
  const url = formatRoute(route);
  if (url === `${location.pathname}${location.search}`) return;
  if (replace) history.replaceState(history.state, '', url);
  else history.pushState(null, '', url);
}

/** Calls `onChange` with the new route on back/forward; returns the unsubscribe. */
export function onPopState(onChange: (route: Route) => void): () => void {
  const listener = (): void => onChange(currentRoute());
  addEventListener('popstate', listener);
  return () => removeEventListener('popstate', listener);
}
