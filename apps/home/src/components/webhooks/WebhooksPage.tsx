import { useCallback, useEffect, useState } from 'react';
import { describeApiError, type WebhookEndpoint, type WebhookWithSecret } from '@porchlight/sdk';
import { ConfirmButton, formatAgo } from '@porchlight/web-ui';
import { api } from '../../auth/services.ts';
import { useStore } from '../../store/index.ts';
import { AddWebhookForm } from './AddWebhookForm.tsx';
import { DeliveryLog } from './DeliveryLog.tsx';
import { SecretOnce } from './SecretOnce.tsx';
import { eventSummary } from './labels.ts';
import '../../styles/webhooks.css';

/**
 * `/settings/webhooks` (owners): the site's webhook endpoints (docs/webhooks.md). Adding one or
 * rotating its secret shows the signing secret once; each endpoint has a test button and its
 * delivery log with the dead letters to send again.
 */
export function WebhooksPage() {
  const siteId = useStore((s) => s.siteId);
  const [hooks, setHooks] = useState<WebhookEndpoint[] | null>(null);
  const [secret, setSecret] = useState<WebhookWithSecret | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  /** Bumped when a test is queued, so the open log reloads at once. */
  const [logVersion, setLogVersion] = useState(0);

  const load = useCallback(async () => {
    if (!siteId) return;
    try {
      setHooks((await api.listWebhooks(siteId)).webhooks);
      setProblem(null);
    } catch (error) {
      setProblem(describeApiError(error));
    }
  }, [siteId]);

  useEffect(() => {
    void load();
  }, [load]);

  const run = async (action: () => Promise<unknown>): Promise<void> => {
    try {
      await action();
      setProblem(null);
    } catch (error) {
      setProblem(describeApiError(error));
    }
    await load();
  };

  if (!siteId) return null;
  return (
    <section className="page webhooks-page" data-testid="webhooks-page">
      <h1>Webhooks</h1>
      <p className="hint">
        Porchlight sends signed HTTPS requests to your endpoints when things happen at this site.
        Check each request&apos;s <code>Porchlight-Signature</code> with the endpoint&apos;s secret.
      </p>
      {problem && (
        <p className="webhooks-error" role="alert" data-testid="webhooks-error">
          {problem}
        </p>
      )}
      {secret && <SecretOnce created={secret} onDone={() => setSecret(null)} />}
      <div className="card">
        <h2>Endpoints</h2>
        {hooks === null ? (
          <p className="muted">Loading…</p>
        ) : hooks.length === 0 ? (
          <p className="muted" data-testid="webhooks-empty">
            No endpoints yet.
          </p>
        ) : (
          <ul className="webhook-list">
            {hooks.map((hook) => (
              <li key={hook.id} data-testid="webhook-row" data-webhook-id={hook.id}>
                <div className="webhook-row__head">
                  <code className="webhook-url" data-testid="webhook-url">
                    {hook.url}
                  </code>
                  <span
                    className={`webhook-state webhook-state--${hook.enabled ? 'on' : 'off'}`}
                    data-testid="webhook-state"
                  >
                    {hook.enabled ? 'Active' : 'Off'}
                  </span>
                </div>
                <p className="muted small">
                  {eventSummary(hook.events)}
                  {hook.disabledReason && ` · switched off: ${hook.disabledReason}`}
                  {hook.previousSecretExpiresAt &&
                    hook.previousSecretExpiresAt > Date.now() &&
                    ` · old secret also signs until ${new Date(hook.previousSecretExpiresAt).toLocaleString()}`}
                  {` · added ${formatAgo(hook.createdAt)}`}
                </p>
                <div className="webhook-actions">
                  <button
                    type="button"
                    className="icon-btn"
                    data-testid="webhook-test"
                    onClick={() =>
                      void run(async () => {
                        await api.testWebhook(siteId, hook.id);
                        setOpen(hook.id);
                        setLogVersion((v) => v + 1);
                      })
                    }
                  >
                    Send test
                  </button>
                  <button
                    type="button"
                    className="icon-btn"
                    aria-expanded={open === hook.id}
                    data-testid="webhook-log-toggle"
                    onClick={() => setOpen(open === hook.id ? null : hook.id)}
                  >
                    {open === hook.id ? 'Hide deliveries' : 'Deliveries'}
                  </button>
                  <button
                    type="button"
                    className="icon-btn"
                    data-testid="webhook-enable"
                    onClick={() =>
                      void run(() => api.updateWebhook(siteId, hook.id, { enabled: !hook.enabled }))
                    }
                  >
                    {hook.enabled ? 'Turn off' : 'Turn on'}
                  </button>
                  <ConfirmButton
                    label="Rotate secret"
                    confirmLabel="Rotate"
                    testId="webhook-rotate"
                    onConfirm={() =>
                      void run(async () =>
                        setSecret(await api.rotateWebhookSecret(siteId, hook.id)),
                      )
                    }
                  >
                    The old secret keeps signing for 24 hours.
                  </ConfirmButton>
                  <ConfirmButton
                    label="Delete"
                    confirmLabel="Delete"
                    className="icon-btn icon-btn--danger"
                    testId="webhook-delete"
                    onConfirm={() => void run(() => api.deleteWebhook(siteId, hook.id))}
                  >
                    Pending deliveries are dropped.
                  </ConfirmButton>
                </div>
                {open === hook.id && (
                  <DeliveryLog siteId={siteId} webhookId={hook.id} version={logVersion} />
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
      <AddWebhookForm
        onAdd={async (input) => {
          const created = await api.createWebhook(siteId, input);
          setSecret(created);
          await load();
        }}
      />
    </section>
  );
}
