import type { StateCreator } from 'zustand';
import { currentRoute, onPopState, writeRoute } from '../routing/history.ts';
import { sameRoute, type Route } from '../routing/routes.ts';
import type { Store } from './index.ts';

export interface RouteSlice {
  /** The screen shown, mirrored in the address bar (routing/routes.ts). */
  route: Route;
  /** Shows another screen: a new history entry, or (replace) the same entry updated. */
  navigate(route: Route, options?: { replace?: boolean }): void;
}

export const createRouteSlice: StateCreator<Store, [], [], RouteSlice> = (set, get) => {
  // Back/forward: follow the address (lives as long as the page, like the store).
  onPopState((route) => set({ route }));
  return {
    route: currentRoute(),
    navigate: (route, options = {}) => {
      writeRoute(route, options.replace === true);
      if (!sameRoute(route, get().route)) set({ route });
    },
  };
};
