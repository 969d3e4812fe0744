import { ChangePasswordForm, changePasswordWith, ErrorBanner, LoginForm } from '@porchlight/web-ui';
import { api, session } from '../services.ts';
import { useStore } from '../store/index.ts';
import { AccountsPage } from './AccountsPage.tsx';
import { AdminsOnly } from './AdminsOnly.tsx';
import { AlarmsPage } from './AlarmsPage.tsx';
import { AuditPage } from './AuditPage.tsx';
import { BillingPage } from './BillingPage.tsx';
import { Header } from './Header.tsx';
import { HealthPage } from './HealthPage.tsx';
import { SitePage } from './SitePage.tsx';
import { SitesPage } from './SitesPage.tsx';

export function App() {
  const mode = useStore((s) => s.mode);
  const banner = useStore((s) => s.banner);
  const setBanner = useStore((s) => s.setBanner);
  const login = useStore((s) => s.login);
  return (
    <div className="app">
      <Header />
      <ErrorBanner message={banner} onDismiss={() => setBanner(null)} />
      <main className="main">
        {mode === 'login' && <LoginForm title="Porchlight administration" login={login} />}
        {mode === 'checking' && <p className="muted center">Checking your access…</p>}
        {mode === 'forbidden' && <AdminsOnly />}
        {mode === 'changePassword' && <ForcedPasswordChange />}
        {mode === 'admin' && <AdminPage />}
      </main>
    </div>
  );
}

function AdminPage() {
  const page = useStore((s) => s.page);
  switch (page.name) {
    case 'accounts':
      return <AccountsPage />;
    case 'sites':
      return <SitesPage />;
    case 'site':
      return <SitePage siteId={page.siteId} />;
    case 'audit':
      // Keyed: another site starts with fresh filters.
      return <AuditPage key={page.siteId ?? ''} siteId={page.siteId} />;
    case 'health':
      return <HealthPage />;
    case 'billing':
      return <BillingPage />;
    case 'alarms':
      return <AlarmsPage key={page.siteId ?? ''} siteId={page.siteId} />;
  }
}

/** A generated or reset password must be replaced before the dashboard opens. */
function ForcedPasswordChange() {
  const check = useStore((s) => s.check);
  const change = changePasswordWith(api, session);
  return (
    <ChangePasswordForm
      title="Choose your own password"
      notice="This account has a generated or reset password. Set your own to continue."
      change={async (current, next) => {
        const error = await change(current, next);
        if (!error) void check();
        return error;
      }}
    />
  );
}
