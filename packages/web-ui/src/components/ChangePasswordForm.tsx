import { useState, type FormEvent } from 'react';

interface Props {
  title: string;
  /** Why the form is shown (a forced change after a generated or reset password). */
  notice?: string;
  /** Resolves with null on success, else the message to show (wrong current password…). */
  change(current: string, next: string): Promise<string | null>;
}

/**
 * Current password and a new one, typed twice. Both apps show it for a forced change
 * (PASSWORD_CHANGE_REQUIRED) and on the account page; tests find the fields by their test ids.
 */
export function ChangePasswordForm({ title, notice, change }: Props) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (next !== again) {
      setMessage('The new passwords differ.');
      return;
    }
    setBusy(true);
    const error = await change(current, next);
    setBusy(false);
    setMessage(error ?? 'Password changed. Your other sessions were signed out.');
    if (!error) {
      setCurrent('');
      setNext('');
      setAgain('');
    }
  };

  return (
    <section className="panel narrow" data-testid="change-password">
      <h2>{title}</h2>
      {notice && <p className="hint">{notice}</p>}
      <form className="form" onSubmit={(event) => void onSubmit(event)}>
        <label className="field">
          <span>Current password</span>
          <input
            type="password"
            data-testid="password-current"
            autoComplete="current-password"
            required
            value={current}
            onChange={(event) => setCurrent(event.target.value)}
          />
        </label>
        <label className="field">
          <span>New password (at least 10 characters)</span>
          <input
            type="password"
            data-testid="password-new"
            autoComplete="new-password"
            required
            minLength={10}
            value={next}
            onChange={(event) => setNext(event.target.value)}
          />
        </label>
        <label className="field">
          <span>New password again</span>
          <input
            type="password"
            data-testid="password-again"
            autoComplete="new-password"
            required
            minLength={10}
            value={again}
            onChange={(event) => setAgain(event.target.value)}
          />
        </label>
        <button type="submit" className="btn" data-testid="password-submit" disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
      {message && (
        <p className="hint" role="status" data-testid="password-message">
          {message}
        </p>
      )}
    </section>
  );
}
