import { followSession, mountApp } from '@porchlight/web-ui';
import { App } from './components/App.tsx';
import { session } from './services.ts';
import { useStore } from './store/index.ts';
import './styles/index.css';

followSession(session, {
  ended: (message) => useStore.getState().sessionEnded(message),
  // A login in another tab (or in the home app) applies here too.
  loggedInElsewhere: () => void useStore.getState().check(),
});
void useStore.getState().check();

mountApp(App);
