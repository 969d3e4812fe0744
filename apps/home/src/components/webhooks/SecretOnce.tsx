import type { WebhookWithSecret } from '@porchlight/sdk';
import { CopyButton } from '../CopyButton.tsx';

/** The signing secret, shown this once after adding an endpoint or rotating its secret. */
export function SecretOnce({
  created,
  onDone,
}: {
  created: WebhookWithSecret;
  onDone: () => void;
}) {
  return (
    <div className="card webhook-secret" role="status" data-testid="webhook-secret-panel">
      <h2>Signing secret</h2>
      <p>
        For <code className="webhook-url">{created.webhook.url}</code>. Copy it now: it is not shown
        again. Store it where your receiver reads it.
      </p>
      <div className="webhook-secret__value">
        <code data-testid="webhook-secret">{created.secret}</code>
        <CopyButton text={created.secret} testId="webhook-secret-copy" />
      </div>
      <button type="button" className="btn" data-testid="webhook-secret-done" onClick={onDone}>
        I have stored it
      </button>
    </div>
  );
}
