import { useStore, type Page } from '../store/index.ts';

const NAV: { name: Page['name']; label: string; page: Page }[] = [
  { name: 'accounts', label: 'Accounts', page: { name: 'accounts' } },
  { name: 'sites', label: 'Sites', page: { name: 'sites' } },
  { name: 'audit', label: 'Audit log', page: { name: 'audit', siteId: null } },
];

export function Header() {
  const mode = useStore((s) => s.mode);
  const page = useStore((s) => s.page);
  const go = useStore((s) => s.go);
  const account = useStore((s) => s.account);
  const logout = useStore((s) => s.logout);
  const current = page.name === 'site' ? 'sites' : page.name;
  return (
    <header className="header">
      <span className="brand">
        <img src={`${import.meta.env.BASE_URL}icon.svg`} alt="" width={24} height={24} />
        Porchlight <span className="muted">admin</span>
      </span>
      {mode === 'admin' && (
        <nav className="tabs" aria-label="Sections">
          {NAV.map((item) => (
            <button
              key={item.name}
              type="button"
              className="tab"
              data-testid={`nav-${item.name}`}
              aria-current={item.name === current ? 'page' : undefined}
              onClick={() => go(item.page)}
            >
              {item.label}
            </button>
          ))}
        </nav>
      )}
      {mode !== 'login' && (
        <span className="account">
          <span className="muted">{account?.email}</span>
          <button
            type="button"
            className="icon-btn"
            data-testid="logout"
            onClick={() => void logout()}
          >
            Log out
          </button>
        </span>
      )}
    </header>
  );
}
