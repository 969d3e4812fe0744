import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { session } from './services.ts';
import { useStore } from './store/index.ts';
import './styles.css';

const ENDED_MESSAGE = 'Your session has ended (it expired or was revoked). Please log in again.';

session.on('ended', (reason) =>
  useStore.getState().sessionEnded(reason === 'expired' ? ENDED_MESSAGE : null),
);
// A login or logout in another tab (or in the home app) applies here too.
addEventListener('storage', (event) => {
  if (event.key !== null && event.key !== 'porchlight.session') return;
  if (session.sync() && session.loggedIn) void useStore.getState().check();
});
void useStore.getState().check();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
