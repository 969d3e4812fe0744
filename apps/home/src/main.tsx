import { mountApp } from '@porchlight/web-ui';
import { reloadOnNewSecret } from './auth/fragment.ts';
import { boot } from './boot.ts';
import { App } from './components/App.tsx';
import { registerServiceWorker } from './sw-register.ts';
import './styles/index.css';

boot();
reloadOnNewSecret();
registerServiceWorker();

mountApp(App);
