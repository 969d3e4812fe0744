import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PorchlightApi, PorchlightClient } from '@porchlight/sdk';
import { PorchlightProvider } from '@porchlight/sdk/react';
import { App } from './App.tsx';

// Sign in with a token from the link (#token=...&site=...): an access token or a scoped API key.
// A real app logs in with SessionManager and passes `session.getToken` instead.
const hash = new URLSearchParams(location.hash.slice(1));
const token = hash.get('token') ?? '';
const siteId = hash.get('site') ?? undefined;
history.replaceState(null, '', location.pathname);

const client = new PorchlightClient({ token, ...(siteId ? { siteId } : {}) });
const api = new PorchlightApi({ getToken: () => token });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {token ? (
      <PorchlightProvider client={client} api={api}>
        <App siteId={siteId} />
      </PorchlightProvider>
    ) : (
      <p>Open this page with #token=&lt;access token or API key&gt;&amp;site=&lt;site id&gt;</p>
    )}
  </StrictMode>,
);
