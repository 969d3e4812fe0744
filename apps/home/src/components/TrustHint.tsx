import { useState } from 'react';
import { useUpdate } from '../sw-register.ts';

/**
 * Shown when this device does not trust the server's certificate: the page is not a secure
 * context, or the service worker could not register (a clicked-through certificate warning gives
 * no service worker, so no notifications and no offline app). Links to /ca, which explains how to
 * install the server's local CA. Dismissible for this visit.
 */
export function TrustHint() {
  const registerFailed = useUpdate((s) => s.registerFailed);
  const [dismissed, setDismissed] = useState(false);
  const untrusted = !window.isSecureContext || registerFailed;
  if (!untrusted || dismissed) return null;
  return (
    <div className="banner" role="status" data-testid="trust-hint">
      <span>
        This device does not trust the server’s certificate yet, so notifications and offline use
        are off. <a href="/ca">Install the certificate</a>
      </span>
      <button type="button" className="link-btn" onClick={() => setDismissed(true)}>
        Dismiss
      </button>
    </div>
  );
}
