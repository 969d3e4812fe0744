import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { registerServiceWorker } from './sw-register.ts';
import { reloadOnNewToken, takeToken } from './token.ts';
import './styles.css';

const token = takeToken();
reloadOnNewToken();
registerServiceWorker();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App token={token} />
  </StrictMode>,
);
