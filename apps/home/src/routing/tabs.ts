import type { Route } from './routes.ts';

export type Tab = 'live' | 'people' | 'devices' | 'notifications';

/** The header tab a screen belongs to (null: none, e.g. settings or a call). */
export function tabOf(route: Route): Tab | null {
  switch (route.name) {
    case 'live':
    case 'camera':
    case 'timeline':
    case 'events':
      return 'live';
    case 'detection':
      return 'devices';
    case 'people':
    case 'devices':
      return route.name;
    case 'settings':
      // Webhooks sit beside the notification settings, under the same tab.
      return route.section !== null ? 'notifications' : null;
    default:
      return null;
  }
}
