import type { Route } from './routes.ts';

export type Tab = 'live' | 'people' | 'devices';

/** The header tab a screen belongs to (null: none, e.g. settings or a call). */
export function tabOf(route: Route): Tab | null {
  switch (route.name) {
    case 'live':
    case 'camera':
    case 'timeline':
      return 'live';
    case 'people':
    case 'devices':
      return route.name;
    default:
      return null;
  }
}
