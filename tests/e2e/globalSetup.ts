import { ensureFixtures } from '../support/fixtures.ts';
import { buildWebApp } from '../web/build.ts';

/**
 * Media fixtures, and both web apps built from the current source in test mode (the build with
 * `window.porchlight`, which the specs use) into the dist/ folders the test servers serve. The
 * returned teardown puts the production build back, so no test hook outlives the run there.
 */
export default function globalSetup(): () => void {
  ensureFixtures();
  buildWebApp('home', 'test');
  buildWebApp('admin', 'test');
  return () => {
    buildWebApp('home', 'production');
    buildWebApp('admin', 'production');
  };
}
