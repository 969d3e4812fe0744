import { lazy, Suspense } from 'react';
import { routeScreens } from '../routing/screens.tsx';
import { useStore } from '../store/index.ts';
import { IncomingCalls } from './call/IncomingCalls.tsx';
import { DevicesPage } from './devices/DevicesPage.tsx';
import { DetectionToasts } from './events/DetectionToasts.tsx';
import { EventsScreen } from './events/EventsScreen.tsx';
import { LiveView } from './LiveView.tsx';
import { PeoplePage } from './people/PeoplePage.tsx';
import { NoSites, SitesFailed } from './SiteNotices.tsx';
import { SitePicker } from './SitePicker.tsx';

// The settings screen validates with the contract's zod schema: zod loads only when it opens.
const DetectionScreen = lazy(() =>
  import('./detection/DetectionScreen.tsx').then((m) => ({ default: m.DetectionScreen })),
);

/** A logged-in person: pick a site, then the screen the address names (routing/routes.ts). */
export function PersonHome() {
  const sites = useStore((s) => s.sites);
  const siteId = useStore((s) => s.siteId);
  const route = useStore((s) => s.route);
  const token = useStore((s) => s.liveToken);
  const failed = useStore((s) => s.sitesFailed);
  const canManagePeople = useStore((s) => s.canManagePeople);
  const canManageDevices = useStore((s) => s.canManageDevices);
  const accessKnown = useStore((s) => s.accessKnown);

  if (failed) return <SitesFailed />;
  if (sites === null) return <p className="connecting">Loading your sites…</p>;
  if (sites.length === 0) return <NoSites />;
  if (!siteId || !token) return <SitePicker />;
  const live = route.name === 'live' || route.name === 'camera' || route.name === 'timeline';
  const Call = routeScreens.call;
  const Settings = routeScreens.settings;
  return (
    <>
      {/* Kept connected while another screen is shown, so coming back is instant. */}
      <LiveView token={token} siteId={siteId} hidden={!live} />
      {(route.name === 'people' || route.name === 'devices') && !accessKnown && (
        <p className="connecting">Loading…</p>
      )}
      {route.name === 'people' && canManagePeople && <PeoplePage />}
      {route.name === 'devices' && canManageDevices && <DevicesPage />}
      {route.name === 'call' && <Call route={route} />}
      {route.name === 'settings' && <Settings route={route} />}
      {route.name === 'detection' && (
        <Suspense fallback={<p className="connecting">Loading…</p>}>
          <DetectionScreen key={route.deviceId} route={route} />
        </Suspense>
      )}
      {route.name === 'events' && <EventsScreen route={route} siteId={siteId} />}
      <IncomingCalls />
      <DetectionToasts />
    </>
  );
}
