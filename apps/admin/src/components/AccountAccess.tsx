import { useState } from 'react';
import type { Account, SessionInfo } from '@porchlight/sdk/rest';
import { ConfirmButton, formatAgo, formatTime } from '@porchlight/web-ui';
import { useStore } from '../store/index.ts';

/** The open panel under an account's row: its temporary password or its sessions. */
export function AccountAccessPanel({ account, self }: { account: Account; self: boolean }) {
  const panel = useStore((s) => s.accountPanel);
  const hasPassword = useStore((s) => s.temporaryPassword?.accountId === account.id);
  const close = useStore((s) => s.closeAccountPanel);
  if (panel?.accountId !== account.id) return null;
  return (
    <div className="account-panel" data-testid="account-panel">
      {hasPassword && <TemporaryPasswordBox account={account} />}
      {panel.view === 'sessions' && <AccountSessions account={account} self={self} />}
      <button type="button" className="icon-btn" data-testid="account-panel-close" onClick={close}>
        {hasPassword ? 'Done, hide the password' : 'Close'}
      </button>
    </div>
  );
}

/** The temporary password of a reset, shown this once. */
function TemporaryPasswordBox({ account }: { account: Account }) {
  const temporary = useStore((s) => s.temporaryPassword);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  if (temporary?.accountId !== account.id) return null;
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(temporary.password);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="secret-box" data-testid="temporary-password-box">
      <h3 className="account-panel__title">Temporary password for {account.displayName}</h3>
      <p>
        Shown only now. {account.displayName} must choose a new password the next time they sign in.
        Their old password no longer works and they were signed out everywhere.
      </p>
      <p className="temporary-password">
        <code className="wrap" data-testid="temporary-password">
          {temporary.password}
        </code>
        <button
          type="button"
          className="icon-btn"
          data-testid="temporary-password-copy"
          onClick={() => void copy()}
        >
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </p>
      {copied === 'failed' && (
        <p className="field-error" role="alert">
          Could not copy. Select the password and copy it by hand.
        </p>
      )}
      <p className="muted small">Hand it over in person or by phone rather than by e-mail.</p>
    </div>
  );
}

/** An account's login sessions, with sign-out of one or all. */
function AccountSessions({ account, self }: { account: Account; self: boolean }) {
  const sessions = useStore((s) => s.accountSessions);
  const revoke = useStore((s) => s.revokeAccountSession);
  const revokeAll = useStore((s) => s.revokeAccountSessions);
  return (
    <div data-testid="account-sessions">
      <h3 className="account-panel__title">Sessions of {account.displayName}</h3>
      {sessions === null ? (
        <p className="muted">Loading…</p>
      ) : sessions.length === 0 ? (
        <p className="muted" data-testid="account-sessions-empty">
          Not signed in anywhere.
        </p>
      ) : (
        <>
          <ul className="session-list">
            {sessions.map((s) => (
              <SessionItem key={s.id} session={s} onSignOut={() => void revoke(account.id, s.id)} />
            ))}
          </ul>
          <p className="muted small">
            A device signed out here cannot renew its sign-in and loses access within 10 minutes.
            “Sign out everywhere” cuts every device off at once.
          </p>
          {/* Everywhere also ends one's own session here: use the home app's account page. */}
          {!self && (
            <ConfirmButton
              label="Sign out everywhere"
              confirmLabel="Yes, sign out everywhere"
              className="icon-btn icon-btn--danger"
              testId="account-sessions-revoke-all"
              onConfirm={() => void revokeAll(account.id)}
            >
              Ends every session of {account.displayName} and closes their open apps now.
            </ConfirmButton>
          )}
        </>
      )}
    </div>
  );
}

function SessionItem({ session, onSignOut }: { session: SessionInfo; onSignOut: () => void }) {
  return (
    <li
      className="session-item"
      data-testid="account-session"
      data-session-id={session.id}
      data-current={session.current ? 'true' : 'false'}
    >
      <div className="session-item__what">
        <div className="ua" data-testid="account-session-agent">
          {session.userAgent ?? 'Unknown device'}
          {session.current && <strong> (this browser)</strong>}
        </div>
        <div className="muted small">
          {session.ip ?? 'unknown address'} · started {formatTime(session.createdAt)} · last used{' '}
          {formatAgo(session.lastUsedAt)}
        </div>
      </div>
      {/* Signing out the browser in use here would end this dashboard: use Sign out. */}
      {!session.current && (
        <ConfirmButton
          label="Sign out"
          confirmLabel="Yes, sign out"
          className="icon-btn icon-btn--danger"
          testId="account-session-revoke"
          onConfirm={onSignOut}
        >
          Sign this device out?
        </ConfirmButton>
      )}
    </li>
  );
}
