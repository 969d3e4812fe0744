import { useCallback, useState } from 'react';
import { describeApiError, type WebhookDelivery } from '@porchlight/sdk';
import { formatAgo, formatInstant } from '@porchlight/web-ui';
import { api } from '../../auth/services.ts';
import { usePolling } from '../../hooks/usePolling.ts';
import { eventLabel } from './labels.ts';

const STATUS_TEXT: Record<WebhookDelivery['status'], string> = {
  pending: 'Pending',
  delivered: 'Delivered',
  dead: 'Failed',
};

/** What the last attempt got: "200 in 35 ms", "HTTP 500", "timeout". */
function outcome(d: WebhookDelivery): string {
  const last = d.log[0];
  if (!last) return 'not tried yet';
  if (last.error === null) return `${last.statusCode} in ${last.latencyMs} ms`;
  return last.error;
}

/**
 * An endpoint's recent deliveries, or its dead letters with a button to send one again; polled
 * every 2 s while open.
 */
export function DeliveryLog({
  siteId,
  webhookId,
  version,
}: {
  siteId: string;
  webhookId: string;
  /** Changes when a test was queued: reload now. */
  version: number;
}) {
  const [view, setView] = useState<'recent' | 'dead'>('recent');
  const [rows, setRows] = useState<WebhookDelivery[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const load = useCallback(
    async (isCurrent: () => boolean = () => true) => {
      void version; // a queued test changes it: a fresh load at once
      try {
        const { deliveries } = await api.listWebhookDeliveries(siteId, webhookId, {
          limit: 20,
          ...(view === 'dead' ? { status: 'dead' as const } : {}),
        });
        if (!isCurrent()) return;
        setRows(deliveries);
        setProblem(null);
      } catch (error) {
        if (isCurrent()) setProblem(describeApiError(error));
      }
    },
    [siteId, webhookId, view, version],
  );
  usePolling(load, 2_000);

  return (
    <div className="webhook-log" data-testid="webhook-log">
      <div className="webhook-log__tabs" role="tablist">
        {(['recent', 'dead'] as const).map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            className="icon-btn"
            aria-pressed={view === v}
            aria-selected={view === v}
            data-testid={`webhook-log-${v}`}
            onClick={() => setView(v)}
          >
            {v === 'recent' ? 'Recent' : 'Dead letters'}
          </button>
        ))}
      </div>
      {problem && <p className="muted">{problem}</p>}
      {rows === null ? (
        <p className="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="muted" data-testid="webhook-log-empty">
          {view === 'dead' ? 'No dead letters.' : 'Nothing sent yet.'}
        </p>
      ) : (
        <ul className="webhook-deliveries">
          {rows.map((d) => (
            <li
              key={d.id}
              data-testid="webhook-delivery"
              data-status={d.status}
              data-event-type={d.eventType}
            >
              <span className={`webhook-status webhook-status--${d.status}`}>
                {STATUS_TEXT[d.status]}
              </span>
              <span className="webhook-delivery__what">
                <strong>{eventLabel(d.eventType)}</strong>
                <span className="muted small" data-testid="webhook-delivery-outcome">
                  {' '}
                  · {outcome(d)} · {d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'} ·{' '}
                </span>
                <time
                  className="muted small"
                  dateTime={new Date(d.createdAt).toISOString()}
                  title={formatInstant(d.createdAt)}
                >
                  {formatAgo(d.createdAt)}
                </time>
              </span>
              {d.status === 'dead' && (
                <button
                  type="button"
                  className="icon-btn"
                  data-testid="webhook-redeliver"
                  onClick={() =>
                    void api
                      .redeliverWebhook(siteId, webhookId, d.id)
                      .then(() => load())
                      .catch((error: unknown) => setProblem(describeApiError(error)))
                  }
                >
                  Send again
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
