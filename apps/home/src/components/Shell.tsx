import type { ReactNode } from 'react';
import { ErrorBanner } from './ErrorBanner.tsx';
import { Header } from './Header.tsx';
import { TrustHint } from './TrustHint.tsx';
import { UpdateBanner } from './UpdateBanner.tsx';

export function Shell({ children }: { children: ReactNode }) {
  return (
    <div className="app">
      <Header />
      <ErrorBanner />
      <UpdateBanner />
      <TrustHint />
      <main className="main">{children}</main>
    </div>
  );
}
