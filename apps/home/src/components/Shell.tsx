import type { ReactNode } from 'react';
import { ErrorBanner } from './ErrorBanner.tsx';
import { Header } from './Header.tsx';
import { UpdateBanner } from './UpdateBanner.tsx';

export function Shell({ children }: { children: ReactNode }) {
  return (
    <div className="app">
      <Header />
      <ErrorBanner />
      <UpdateBanner />
      <main className="main">{children}</main>
    </div>
  );
}
