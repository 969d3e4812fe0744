import { AccountMenu, Brand, Tabs, type TabItem } from '@porchlight/web-ui';
import { useStore, type Page } from '../store/index.ts';

type Section = 'accounts' | 'sites' | 'audit' | 'alarms' | 'health' | 'billing';

const NAV: TabItem<Section>[] = [
  { id: 'accounts', label: 'Accounts' },
  { id: 'sites', label: 'Sites' },
  { id: 'audit', label: 'Audit log' },
  { id: 'alarms', label: 'Alarms' },
  { id: 'health', label: 'Server health' },
  { id: 'billing', label: 'Usage & billing' },
];

/** Where each section starts. */
const START: Record<Section, Page> = {
  accounts: { name: 'accounts' },
  sites: { name: 'sites' },
  audit: { name: 'audit', siteId: null },
  health: { name: 'health' },
  billing: { name: 'billing' },
  alarms: { name: 'alarms', siteId: null },
};

export function Header() {
  const mode = useStore((s) => s.mode);
  const page = useStore((s) => s.page);
  const go = useStore((s) => s.go);
  const account = useStore((s) => s.account);
  const logout = useStore((s) => s.logout);
  const current = page.name === 'site' ? 'sites' : page.name;
  return (
    <header className="header">
      <Brand icon={`${import.meta.env.BASE_URL}icon.svg`} suffix="admin" />
      {mode === 'admin' && (
        <Tabs
          items={NAV}
          current={current}
          onSelect={(section) => go(START[section])}
          testIdPrefix="nav-"
        />
      )}
      {mode !== 'login' && (
        <AccountMenu name={account?.email} nameClassName="muted" onLogout={() => void logout()} />
      )}
    </header>
  );
}
