import { useEffect, useState, type FormEvent } from 'react';
import type { Account } from '@porchlight/sdk/rest';
import { ConfirmButton, formatTime } from '@porchlight/web-ui';
import { useStore } from '../store/index.ts';
import { AccountAccessPanel } from './AccountAccess.tsx';

export function AccountsPage() {
  const accounts = useStore((s) => s.accounts);
  const loadAccounts = useStore((s) => s.loadAccounts);
  useEffect(() => {
    void loadAccounts();
  }, [loadAccounts]);

  return (
    <section className="page">
      <h1>Accounts</h1>
      <table className="table" data-testid="admin-accounts">
        <thead>
          <tr>
            <th>Person</th>
            <th>Admin</th>
            <th>Status</th>
            <th>Created</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {(accounts ?? []).map((account) => (
            <AccountRow key={account.id} account={account} />
          ))}
        </tbody>
      </table>
      <NewAccountForm />
    </section>
  );
}

function AccountRow({ account }: { account: Account }) {
  const me = useStore((s) => s.account?.id);
  const updateAccount = useStore((s) => s.updateAccount);
  const panel = useStore((s) => s.accountPanel);
  const error = useStore((s) => s.accountError);
  const toggleSessions = useStore((s) => s.toggleAccountSessions);
  const resetPassword = useStore((s) => s.resetAccountPassword);
  // The server refuses disabling or demoting oneself (no locking yourself out); do not offer
  // them. One's own password is changed, not reset, in the home app.
  const self = account.id === me;
  const sessionsOpen = panel?.accountId === account.id && panel.view === 'sessions';
  return (
    <>
      <tr
        data-testid="admin-account-row"
        data-account-id={account.id}
        className={account.disabled ? 'row--disabled' : undefined}
      >
        <td>
          <div>{account.displayName}</div>
          <div className="muted small">{account.email}</div>
        </td>
        {/* data-label: a phone shows no header row, so each value says what it is. */}
        <td className="account-cell" data-label="Admin">
          {account.isAdmin ? 'yes' : 'no'}
        </td>
        <td className="account-cell" data-label="Status">
          {account.disabled ? 'disabled' : 'active'}
        </td>
        <td className="account-cell" data-label="Created">
          {formatTime(account.createdAt)}
        </td>
        <td className="row-actions account-actions">
          <button
            type="button"
            className="icon-btn"
            aria-expanded={sessionsOpen}
            data-testid="account-sessions-toggle"
            onClick={() => void toggleSessions(account.id)}
          >
            Sessions
          </button>
          {!self && (
            <>
              <ConfirmButton
                label="Reset password"
                confirmLabel="Yes, reset"
                className="icon-btn"
                testId="account-reset-password"
                onConfirm={() => void resetPassword(account.id)}
              >
                Their password stops working and they are signed out everywhere.
              </ConfirmButton>
              <button
                type="button"
                className="icon-btn"
                data-testid="account-toggle-admin"
                onClick={() => void updateAccount(account.id, { isAdmin: !account.isAdmin })}
              >
                {account.isAdmin ? 'Remove admin' : 'Make admin'}
              </button>
              <button
                type="button"
                className={`icon-btn${account.disabled ? '' : ' icon-btn--danger'}`}
                data-testid="account-toggle-disabled"
                onClick={() => void updateAccount(account.id, { disabled: !account.disabled })}
              >
                {account.disabled ? 'Enable' : 'Disable'}
              </button>
            </>
          )}
        </td>
      </tr>
      {(panel?.accountId === account.id || error?.accountId === account.id) && (
        <tr className="account-panel-row" data-account-id={account.id}>
          <td colSpan={5}>
            {error?.accountId === account.id && (
              <p className="field-error" role="alert" data-testid="account-error">
                {error.message}
              </p>
            )}
            <AccountAccessPanel account={account} self={self} />
          </td>
        </tr>
      )}
    </>
  );
}

function NewAccountForm() {
  const createAccount = useStore((s) => s.createAccount);
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (
      !(await createAccount({
        email: email.trim(),
        displayName: displayName.trim(),
        password,
        isAdmin,
      }))
    )
      return;
    setEmail('');
    setDisplayName('');
    setPassword('');
    setIsAdmin(false);
  };

  return (
    <form className="form card" onSubmit={(event) => void onSubmit(event)}>
      <h2>New account</h2>
      <div className="form-row">
        <label className="field">
          <span>E-mail</span>
          <input
            type="email"
            required
            data-testid="new-account-email"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label className="field">
          <span>Name</span>
          <input
            required
            data-testid="new-account-name"
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
          />
        </label>
        <label className="field">
          <span>Initial password (10+ characters)</span>
          <input
            type="password"
            required
            minLength={10}
            autoComplete="new-password"
            data-testid="new-account-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
      </div>
      <label className="check">
        <input
          type="checkbox"
          data-testid="new-account-admin"
          checked={isAdmin}
          onChange={(event) => setIsAdmin(event.target.checked)}
        />
        Administrator of this installation
      </label>
      <button type="submit" className="btn" data-testid="new-account-submit">
        Create account
      </button>
    </form>
  );
}
