import { CachedToken, PorchlightApi } from '@porchlight/sdk';
import { DetectorHostPage } from './DetectorHostPage.ts';

/**
 * Entry of the detector host page (docs/detection.md "Detection on the server"). The server
 * opens it in headless Chromium with a one-time code in the URL fragment (never sent over the
 * network, never on the command line); the page trades it for the host's short-lived token at
 * once, drops it from the address and renews the token before it expires.
 */
const statusEl = document.getElementById('status');
const show = (text: string): void => {
  if (statusEl) statusEl.textContent = text;
};

const code = new URLSearchParams(location.hash.slice(1)).get('code');
history.replaceState(null, '', location.pathname);

async function main(): Promise<void> {
  if (!code) return show('no launch code: this page is opened by the server only');
  const anonymous = new PorchlightApi();
  const first = await anonymous.openDetectorHostSession(code);
  // Renewals present the current (still valid) token; the cache hands out the newest.
  let current = first;
  const renewer = anonymous.withToken(() => current.token);
  const tokens = new CachedToken(
    async () => (current = await renewer.renewDetectorHostToken()),
    // Renew at half-life: a page under load still has minutes to spare.
    { marginMs: Math.max(0, (first.expiresAt - Date.now()) / 2), now: () => Date.now() },
  );
  tokens.set(first);
  const getToken = ({ forceRefresh }: { forceRefresh: boolean }): Promise<string> =>
    tokens.get(forceRefresh);
  const api = anonymous.withToken(getToken);
  await new DetectorHostPage({ api, token: getToken, show }).run();
}

main().catch((error: unknown) =>
  show(`failed: ${error instanceof Error ? error.message : String(error)}`),
);
