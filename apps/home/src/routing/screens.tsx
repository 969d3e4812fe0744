import type { ComponentType } from 'react';
import { CallScreen } from '../components/call/CallScreen.tsx';
import { DoorPage } from '../components/doorbell/DoorPage.tsx';
import { SettingsScreen } from '../components/settings/SettingsScreen.tsx';
import type { RouteOf } from './routes.ts';

/**
 * Screens other features plug into the app's addresses: replace a placeholder here with the real
 * component (the doorbell's CallScreen, NotificationSettingsPage, the visitor's door page).
 * `call` and `settings` are shown to a logged-in person inside the app shell; `door` to anyone,
 * without login.
 */
export interface RouteScreens {
  call: ComponentType<{ route: RouteOf<'call'> }>;
  settings: ComponentType<{ route: RouteOf<'settings'> }>;
  door: ComponentType<{ route: RouteOf<'door'> }>;
}

export const routeScreens: RouteScreens = {
  call: CallScreen,
  settings: SettingsScreen,
  door: DoorPage,
};
