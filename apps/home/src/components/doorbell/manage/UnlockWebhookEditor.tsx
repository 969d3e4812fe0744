import { useEffect, useState, type FormEvent } from 'react';
import type { Door } from '@porchlight/protocol';
import { describeApiError } from '@porchlight/sdk';
import { api } from '../../../auth/services.ts';

interface Props {
  door: Door;
  onSaved: (door: Door) => void;
}

/** Whether `url` is one the server takes (http or https). */
function urlError(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:'
      ? null
      : 'The address must start with https:// (or http:// on your own network).';
  } catch {
    return 'Enter the full address of the lock, e.g. https://lock.local/unlock.';
  }
}

/**
 * The smart-lock webhook of a door: its URL, a key the server makes and shows once (on setup and
 * on "New key"), a signed test request, removal. With a webhook the answerer gets an Unlock button.
 */
export function UnlockWebhookEditor({ door, onSaved }: Props) {
  const [url, setUrl] = useState(door.unlock.url ?? '');
  const [secret, setSecret] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => setUrl(door.unlock.url ?? ''), [door]);

  const run = <T,>(work: () => Promise<T>, done: (r: T) => void): void => {
    setBusy(true);
    setError(null);
    setStatus(null);
    work()
      .then(done, (e: unknown) => setError(describeApiError(e)))
      .finally(() => setBusy(false));
  };

  const configure = (rotateSecret: boolean): void => {
    const problem = urlError(url.trim());
    if (problem) {
      setError(problem);
      return;
    }
    run(
      () => api.configureDoorUnlock(door.siteId, door.id, { url: url.trim(), rotateSecret }),
      (r) => {
        onSaved(r.door);
        if (r.secret !== null) setSecret(r.secret);
        setStatus(r.secret !== null ? 'Saved with a new key' : 'Saved');
      },
    );
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    configure(false);
  };

  const test = (): void =>
    run(
      () => api.testDoorUnlock(door.siteId, door.id),
      (r) =>
        setStatus(
          r.ok
            ? `The lock answered (HTTP ${r.status ?? '?'})`
            : `The lock did not answer: ${r.error ?? `HTTP ${r.status}`}`,
        ),
    );

  const remove = (): void =>
    run(
      () => api.updateDoor(door.siteId, door.id, { unlock: null }),
      (d) => {
        onSaved(d);
        setSecret(null);
        setUrl('');
        setStatus('Removed');
      },
    );

  const configured = door.unlock.configured;
  return (
    <form className="form unlock-webhook" onSubmit={submit} data-testid="unlock-webhook" noValidate>
      <h3>Smart lock</h3>
      <p className="muted small">
        {configured
          ? 'Whoever answers a call can unlock the door: Porchlight sends your lock a signed request.'
          : 'Connect a smart lock that accepts a web request, and whoever answers can unlock the door.'}
      </p>
      <label className="field">
        <span>Lock address (webhook URL)</span>
        <input
          type="url"
          data-testid="unlock-url"
          placeholder="https://lock.local/unlock"
          maxLength={2048}
          value={url}
          onChange={(e) => {
            setStatus(null);
            setUrl(e.target.value);
          }}
        />
      </label>
      {secret !== null && (
        <div className="hint" data-testid="unlock-secret-box">
          <p>
            Signing key — enter it in your lock now. It is shown only this once; Porchlight keeps it
            encrypted and never shows it again.
          </p>
          <code className="unlock-secret" data-testid="unlock-secret">
            {secret}
          </code>
          <button
            type="button"
            className="icon-btn"
            onClick={() => void navigator.clipboard?.writeText(secret).catch(() => undefined)}
          >
            Copy key
          </button>
        </div>
      )}
      <div className="actions">
        <button type="submit" className="btn btn--small" disabled={busy} data-testid="unlock-save">
          {configured ? 'Save address' : 'Connect lock'}
        </button>
        {configured && (
          <>
            <button
              type="button"
              className="icon-btn"
              disabled={busy}
              data-testid="unlock-test"
              onClick={test}
            >
              Send test
            </button>
            <button
              type="button"
              className="icon-btn"
              disabled={busy}
              data-testid="unlock-rotate"
              onClick={() => configure(true)}
            >
              New key
            </button>
            <button
              type="button"
              className="icon-btn"
              disabled={busy}
              data-testid="unlock-remove"
              onClick={remove}
            >
              Remove
            </button>
          </>
        )}
        {status && (
          <span className="muted small" role="status" data-testid="unlock-status">
            {status}
          </span>
        )}
      </div>
      {error && (
        <p className="field__error" role="alert" data-testid="unlock-error">
          {error}
        </p>
      )}
    </form>
  );
}
