import { useStore } from '../store/index.ts';
import { AccountsPage } from './AccountsPage.tsx';
import { AdminsOnly } from './AdminsOnly.tsx';
import { AuditPage } from './AuditPage.tsx';
import { ErrorBanner } from './ErrorBanner.tsx';
import { Header } from './Header.tsx';
import { LoginForm } from './LoginForm.tsx';
import { SitePage } from './SitePage.tsx';
import { SitesPage } from './SitesPage.tsx';

export function App() {
  const mode = useStore((s) => s.mode);
  return (
    <div className="app">
      <Header />
      <ErrorBanner />
      <main className="main">
        {mode === 'login' && <LoginForm />}
        {mode === 'checking' && <p className="muted center">Checking your access…</p>}
        {mode === 'forbidden' && <AdminsOnly />}
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
  }
}
