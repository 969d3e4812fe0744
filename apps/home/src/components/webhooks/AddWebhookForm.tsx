import { useState, type FormEvent } from 'react';
import {
  describeApiError,
  WEBHOOK_EVENT_LABELS,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from '@porchlight/sdk';

/** URL and event types of a new endpoint. */
export function AddWebhookForm({
  onAdd,
}: {
  onAdd: (input: { url: string; events: WebhookEventType[] }) => Promise<void>;
}) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>(['ring', 'person.detected']);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    try {
      await onAdd({ url: url.trim(), events });
      setUrl('');
      setProblem(null);
    } catch (error) {
      setProblem(describeApiError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form card" onSubmit={(e) => void submit(e)} data-testid="webhook-add">
      <h2>Add an endpoint</h2>
      <label className="field">
        <span>HTTPS URL</span>
        <input
          required
          type="url"
          inputMode="url"
          placeholder="https://example.com/porchlight"
          maxLength={2048}
          autoComplete="off"
          data-testid="webhook-add-url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      </label>
      <fieldset className="field">
        <legend>Events</legend>
        <div className="checks webhook-events">
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <label key={type} className="check">
              <input
                type="checkbox"
                data-testid="webhook-add-event"
                value={type}
                checked={events.includes(type)}
                onChange={(e) =>
                  setEvents((old) =>
                    e.target.checked ? [...old, type] : old.filter((t) => t !== type),
                  )
                }
              />
              {WEBHOOK_EVENT_LABELS[type]}
            </label>
          ))}
        </div>
      </fieldset>
      {problem && (
        <p className="field__error" role="alert" data-testid="webhook-add-error">
          {problem}
        </p>
      )}
      <button
        type="submit"
        className="btn"
        data-testid="webhook-add-submit"
        disabled={busy || events.length === 0}
      >
        Add endpoint
      </button>
    </form>
  );
}
