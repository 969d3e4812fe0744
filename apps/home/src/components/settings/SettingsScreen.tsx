import type { RouteOf } from '../../routing/routes.ts';
import { useStore } from '../../store/index.ts';
import { NotificationSettingsPage } from '../notifications/NotificationSettingsPage.tsx';
import { WebhooksPage } from '../webhooks/WebhooksPage.tsx';

/** `/settings` and its sections: notifications for everyone, webhooks for the site's owners. */
export function SettingsScreen({ route }: { route: RouteOf<'settings'> }) {
  const owner = useStore((s) => s.canManagePeople);
  const navigate = useStore((s) => s.navigate);
  const section = route.section === 'webhooks' && owner ? 'webhooks' : 'notifications';
  return (
    <div data-testid="settings-screen" data-section={route.section ?? ''}>
      {owner && (
        <nav className="settings-nav" aria-label="Settings">
          {(['notifications', 'webhooks'] as const).map((s) => (
            <a
              key={s}
              href={`/settings/${s}`}
              className="icon-btn"
              aria-current={section === s ? 'page' : undefined}
              data-testid={`settings-${s}`}
              onClick={(event) => {
                event.preventDefault();
                navigate({ name: 'settings', section: s });
              }}
            >
              {s === 'notifications' ? 'Notifications' : 'Webhooks'}
            </a>
          ))}
        </nav>
      )}
      {section === 'webhooks' ? <WebhooksPage /> : <NotificationSettingsPage />}
    </div>
  );
}
