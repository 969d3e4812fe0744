import type { RouteOf } from '../../routing/routes.ts';
import { NotificationSettingsPage } from '../notifications/NotificationSettingsPage.tsx';

/** `/settings` and its sections; notifications are the only section so far. */
export function SettingsScreen({ route }: { route: RouteOf<'settings'> }) {
  return (
    <div data-testid="settings-screen" data-section={route.section ?? ''}>
      <NotificationSettingsPage />
    </div>
  );
}
