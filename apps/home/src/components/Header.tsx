import { AccountMenu, Brand, Tabs, type TabItem } from '@porchlight/web-ui';
import { LIVE } from '../routing/routes.ts';
import { tabOf } from '../routing/tabs.ts';
import { useStore, type Tab } from '../store/index.ts';
import { ConnectionBadge } from './ConnectionBadge.tsx';

const TABS: TabItem<Tab>[] = [
  { id: 'live', label: 'Live' },
  { id: 'people', label: 'People' },
  { id: 'devices', label: 'Devices' },
  // /settings/notifications
  { id: 'notifications', label: 'Alerts' },
];

export function Header() {
  const mode = useStore((s) => s.mode);
  const role = useStore((s) => s.role);
  const siteId = useStore((s) => s.siteId);
  const live = mode === 'camera' || mode === 'link' || (mode === 'person' && siteId !== null);
  return (
    <header className="header">
      <Brand icon="/icon.svg" />
      {mode === 'person' ? (
        <PersonNav />
      ) : (
        live && role && <span className="role">{role === 'camera' ? 'Camera' : 'Live view'}</span>
      )}
      {live && <ConnectionBadge />}
      {mode === 'person' && <Account />}
    </header>
  );
}

/** Site switcher and the tabs this person may use. */
function PersonNav() {
  const sites = useStore((s) => s.sites);
  const siteId = useStore((s) => s.siteId);
  const tab = useStore((s) => tabOf(s.route));
  const setTab = useStore((s) => s.setTab);
  const selectSite = useStore((s) => s.selectSite);
  const navigate = useStore((s) => s.navigate);
  const canManagePeople = useStore((s) => s.canManagePeople);
  const canManageDevices = useStore((s) => s.canManageDevices);
  if (!siteId) return null;
  const visible = TABS.filter(
    ({ id: t }) =>
      t === 'live' ||
      t === 'notifications' ||
      (t === 'people' && canManagePeople) ||
      (t === 'devices' && canManageDevices),
  );
  return (
    <>
      {sites && sites.length > 1 ? (
        <select
          className="site-switch"
          aria-label="Site"
          data-testid="site-switch"
          value={siteId}
          onChange={(event) => {
            selectSite(event.target.value);
            navigate(LIVE);
          }}
        >
          {sites.map((site) => (
            <option key={site.id} value={site.id}>
              {site.name}
            </option>
          ))}
        </select>
      ) : (
        <span className="role header__site">{sites?.find((s) => s.id === siteId)?.name}</span>
      )}
      <Tabs items={visible} current={tab} onSelect={setTab} testIdPrefix="tab-" />
    </>
  );
}

function Account() {
  const account = useStore((s) => s.account);
  const logout = useStore((s) => s.logout);
  return (
    <AccountMenu
      name={account?.displayName}
      nameClassName="account__name"
      onLogout={() => void logout()}
    />
  );
}
