import { useStore } from '../store/index.ts';
import { DevicesPage } from './devices/DevicesPage.tsx';
import { LiveView } from './LiveView.tsx';
import { NotificationSettingsPage } from './notifications/NotificationSettingsPage.tsx';
import { PeoplePage } from './people/PeoplePage.tsx';
import { SitePicker } from './SitePicker.tsx';

/** A logged-in person: pick a site, then its live view and the owner pages. */
export function PersonHome() {
  const sites = useStore((s) => s.sites);
  const siteId = useStore((s) => s.siteId);
  const tab = useStore((s) => s.tab);
  const token = useStore((s) => s.liveToken);
  const isAdmin = useStore((s) => s.account?.isAdmin === true);
  const failed = useStore((s) => s.sitesFailed);
  const loadSites = useStore((s) => s.loadSites);

  if (failed) {
    return (
      <section className="notice">
        <h1>Cannot load your sites</h1>
        <button type="button" className="btn" onClick={() => void loadSites()}>
          Try again
        </button>
      </section>
    );
  }
  if (sites === null) return <p className="connecting">Loading your sites…</p>;
  if (sites.length === 0) {
    return (
      <section className="notice">
        <h1>No sites yet</h1>
        <p>
          {isAdmin ? (
            <>
              Create a site in the <a href="/admin/">admin dashboard</a>.
            </>
          ) : (
            'Nobody has given you access to a site yet. Ask its owner to invite you.'
          )}
        </p>
      </section>
    );
  }
  if (!siteId || !token) return <SitePicker />;
  return (
    <>
      <LiveView token={token} siteId={siteId} hidden={tab !== 'live'} />
      {tab === 'people' && <PeoplePage />}
      {tab === 'devices' && <DevicesPage />}
      {tab === 'notifications' && <NotificationSettingsPage />}
    </>
  );
}
