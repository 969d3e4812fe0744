import { useStore, type Tab } from '../store/index.ts';
import { ConnectionBadge } from './ConnectionBadge.tsx';

const TABS: { tab: Tab; label: string }[] = [
  { tab: 'live', label: 'Live' },
  { tab: 'people', label: 'People' },
  { tab: 'devices', label: 'Devices' },
];

export function Header() {
  const mode = useStore((s) => s.mode);
  const role = useStore((s) => s.role);
  const siteId = useStore((s) => s.siteId);
  const live = mode === 'camera' || mode === 'link' || (mode === 'person' && siteId !== null);
  return (
    <header className="header">
      <span className="brand">
        <img src="/icon.svg" alt="" width={24} height={24} />
        Porchlight
      </span>
      {mode === 'person' ? (
        <PersonNav />
      ) : (
        live && role && <span className="role">{role === 'camera' ? 'Camera' : 'Live view'}</span>
      )}
      {live && <ConnectionBadge />}
      {mode === 'person' && <AccountMenu />}
    </header>
  );
}

/** Site switcher and the tabs this person may use. */
function PersonNav() {
  const sites = useStore((s) => s.sites);
  const siteId = useStore((s) => s.siteId);
  const tab = useStore((s) => s.tab);
  const setTab = useStore((s) => s.setTab);
  const selectSite = useStore((s) => s.selectSite);
  const canManagePeople = useStore((s) => s.canManagePeople);
  const canManageDevices = useStore((s) => s.canManageDevices);
  if (!siteId) return null;
  const visible = TABS.filter(
    ({ tab: t }) =>
      t === 'live' || (t === 'people' && canManagePeople) || (t === 'devices' && canManageDevices),
  );
  return (
    <>
      {sites && sites.length > 1 ? (
        <select
          className="site-switch"
          aria-label="Site"
          data-testid="site-switch"
          value={siteId}
          onChange={(event) => selectSite(event.target.value)}
        >
          {sites.map((site) => (
            <option key={site.id} value={site.id}>
              {site.name}
            </option>
          ))}
        </select>
      ) : (
        <span className="role">{sites?.find((s) => s.id === siteId)?.name}</span>
      )}
      <nav className="tabs" aria-label="Sections">
        {visible.map(({ tab: t, label }) => (
          <button
            key={t}
            type="button"
            className="tab"
            data-testid={`tab-${t}`}
            aria-current={t === tab ? 'page' : undefined}
            onClick={() => setTab(t)}
          >
            {label}
          </button>
        ))}
      </nav>
    </>
  );
}

function AccountMenu() {
  const account = useStore((s) => s.account);
  const logout = useStore((s) => s.logout);
  return (
    <span className="account">
      <span className="account__name">{account?.displayName}</span>
      <button type="button" className="icon-btn" data-testid="logout" onClick={() => void logout()}>
        Log out
      </button>
    </span>
  );
}
