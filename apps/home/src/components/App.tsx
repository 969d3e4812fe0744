import { useEffect } from 'react';
import { loadLabel } from '../label.ts';
import { startSession } from '../media/session.ts';
import { useStore } from '../store/index.ts';
import { CameraMode } from './CameraMode.tsx';
import { ErrorBanner } from './ErrorBanner.tsx';
import { FatalError } from './FatalError.tsx';
import { Header } from './Header.tsx';
import { NoToken } from './NoToken.tsx';
import { ViewerMode } from './ViewerMode.tsx';

export function App({ token }: { token: string | null }) {
  return token ? <Session token={token} /> : <NoToken />;
}

function Session({ token }: { token: string }) {
  const sessionKey = useStore((s) => s.sessionKey);
  const role = useStore((s) => s.role);
  const state = useStore((s) => s.connectionState);
  const error = useStore((s) => s.error);

  useEffect(() => startSession(token, loadLabel()), [token, sessionKey]);

  let body;
  if (state === 'closed' && error) body = <FatalError error={error} />;
  else if (role === 'camera') body = <CameraMode />;
  else if (role === 'viewer') body = <ViewerMode />;
  else body = <p className="connecting">Connecting to Porchlight…</p>;

  return (
    <div className="app">
      <Header />
      {state !== 'closed' && <ErrorBanner />}
      <main className="main">{body}</main>
    </div>
  );
}
