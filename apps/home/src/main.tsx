import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { reloadOnNewSecret } from './auth/fragment.ts';
import { boot } from './boot.ts';
import { App } from './components/App.tsx';
import { registerServiceWorker } from './sw-register.ts';
import './styles/index.css';

boot();
reloadOnNewSecret();
registerServiceWorker();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
