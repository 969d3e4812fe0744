import type { RouteOf } from '../../routing/routes.ts';
import { useStore } from '../../store/index.ts';
import { NotificationSettingsPage } from '../notifications/NotificationSettingsPage.tsx';
import { WebhooksPage } from '../webhooks/WebhooksPage.tsx';
import { AccountPage } from '../account/AccountPage.tsx';

/**
 * `/settings` and its sections: notifications and the account (password, sessions) for everyone,
 * webhooks for the site's owners.
 */
export function SettingsScreen({ route }: { route: RouteOf<'settings'> }) {
  const owner = useStore((s) => s.canManagePeople);
  const navigate = useStore((s) => s.navigate);
  const section =
    route.section === 'webhooks' && owner
      ? 'webhooks'
      : route.section === 'account'
        ? 'account'
        : 'notifications';
  const sections = owner
    ? (['notifications', 'webhooks', 'account'] as const)
    : (['notifications', 'account'] as const);
  return (
    <div data-testid="settings-screen" data-section={route.section ?? ''}>
      {
        <nav className="settings-nav" aria-label="Settings">
          {sections.map((s) => (
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
              {s === 'notifications' ? 'Notifications' : s === 'webhooks' ? 'Webhooks' : 'Account'}
            </a>
          ))}
        </nav>
      }
      {section === 'webhooks' ? (
        <WebhooksPage />
      ) : section === 'account' ? (
        <AccountPage />
      ) : (
        <NotificationSettingsPage />
      )}
    </div>
  );
}
