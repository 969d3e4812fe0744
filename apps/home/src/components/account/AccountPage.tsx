import { useCallback, useEffect, useState } from 'react';
import type { SessionInfo } from '@porchlight/protocol';
import { describeApiError } from '@porchlight/sdk/rest';
import { ChangePasswordForm, changePasswordWith } from '@porchlight/web-ui';
import { api, session } from '../../auth/services.ts';

/** `/settings/account`: change the password, see and sign out this person's sessions. */
export function AccountPage() {
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setSessions(await api.listMySessions());
      setError(null);
    } catch (e) {
      setError(describeApiError(e));
    }
  }, []);
  useEffect(() => void load(), [load]);
  const change = changePasswordWith(api, session);

  const signOut = async (id: string): Promise<void> => {
    try {
      await api.revokeMySession(id);
    } catch (e) {
      setError(describeApiError(e));
    }
    await load();
  };

  return (
    <div data-testid="account-page">
      <ChangePasswordForm
        title="Password"
        change={async (current, next) => {
          const message = await change(current, next);
          await load();
          return message;
        }}
      />
      <section className="panel narrow" data-testid="my-sessions">
        <h2>Signed-in devices</h2>
        {error && <p className="hint">{error}</p>}
        <ul className="list">
          {(sessions ?? []).map((s) => (
            <li key={s.id} data-testid="session-row" data-current={s.current ? 'true' : 'false'}>
              <span>
                {s.userAgent ?? 'Unknown device'}
                {s.current && ' (this device)'}
                <br />
                <small className="muted">
                  {s.ip ?? ''} · since {new Date(s.createdAt).toLocaleString()} · last used{' '}
                  {new Date(s.lastUsedAt).toLocaleString()}
                </small>
              </span>
              {!s.current && (
                <button
                  type="button"
                  className="btn"
                  data-testid="session-signout"
                  onClick={() => void signOut(s.id)}
                >
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
