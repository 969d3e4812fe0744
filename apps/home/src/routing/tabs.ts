import type { Route } from './routes.ts';

export type Tab = 'live' | 'people' | 'devices' | 'notifications';

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
    case 'settings':
      return route.section === 'notifications' ? 'notifications' : null;
    default:
      return null;
  }
}
