import { useEffect, useState, type FormEvent } from 'react';
import type { InvitationPreview } from '@porchlight/sdk';
import { describeApiError } from '@porchlight/sdk';
import { formatTime } from '@porchlight/web-ui';
import { leaveInvite } from '../../auth/invite-token.ts';
import { api, publicApi, session } from '../../auth/services.ts';
import { save } from '../../auth/storage.ts';
import { useStore } from '../../store/index.ts';
import { SITE_KEY } from '../../store/site.ts';
import { ROLE_HELP } from './roleText.ts';

/**
 * The page an invitation link opens: who invites the holder to which site with which access,
 * then either a new account (they choose name and password) or, when logged in, accepting into
 * the current account. A used, expired or withdrawn link shows the server's message as it is.
 */
export function InvitePage() {
  const token = useStore((s) => s.inviteToken);
  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [account, setAccount] = useState(session.account);

  useEffect(() => {
    if (!token) return;
    publicApi.previewInvitation(token).then(setPreview, (error: unknown) => {
      setProblem(describeApiError(error));
    });
  }, [token]);

  if (!token || problem) {
    return (
      <section className="panel narrow" data-testid="invite-problem">
        <h1>Invitation</h1>
        <p role="alert">{problem ?? 'This invitation link is not valid.'}</p>
        <button type="button" className="btn" onClick={goHome}>
          Go to Porchlight
        </button>
      </section>
    );
  }
  if (!preview) return <p className="connecting">Opening the invitation…</p>;
  return (
    <section className="panel narrow" data-testid="invite-page">
      <img className="panel__icon" src="/icon.svg" alt="" width={56} height={56} />
      <h1>
        {preview.invitedBy} invites you to {preview.siteName}
      </h1>
      <InviteSummary preview={preview} />
      {account ? (
        <AcceptAsMe
          token={token}
          name={account.displayName}
          email={account.email}
          onOther={() => void session.logout().then(() => setAccount(null))}
        />
      ) : (
        <NewAccount
          token={token}
          preview={preview}
          onLoggedIn={() => setAccount(session.account)}
        />
      )}
    </section>
  );
}

function InviteSummary({ preview }: { preview: InvitationPreview }) {
  const cameras =
    preview.deviceNames === null
      ? 'All cameras, including ones added later'
      : preview.deviceNames.join(', ');
  const from = preview.validFrom !== null ? `from ${formatTime(preview.validFrom)}` : '';
  const until = preview.validUntil !== null ? `until ${formatTime(preview.validUntil)}` : '';
  return (
    <dl className="invite-summary">
      <dt>Access</dt>
      <dd data-testid="invite-role-text">{ROLE_HELP[preview.role]}</dd>
      <dt>Cameras</dt>
      <dd data-testid="invite-cameras">{cameras}</dd>
      {(from || until) && (
        <>
          <dt>When</dt>
          <dd>{[from, until].filter(Boolean).join(' ')}</dd>
        </>
      )}
      <dt>Link valid until</dt>
      <dd>{formatTime(preview.expiresAt)}</dd>
    </dl>
  );
}

/** Accepted: open the app on the site the person just joined. */
function enter(siteId: string): void {
  save(SITE_KEY, siteId);
  goHome();
}

function goHome(): void {
  leaveInvite();
  useStore.getState().startPerson();
}

function AcceptAsMe(props: { token: string; name: string; email: string; onOther: () => void }) {
  const setBanner = useStore((s) => s.setBanner);
  const [busy, setBusy] = useState(false);
  const accept = async (): Promise<void> => {
    setBusy(true);
    setBanner(null);
    try {
      const grant = await api.acceptInvitationAsMe(props.token);
      enter(grant.siteId);
    } catch (error) {
      setBanner(describeApiError(error));
      setBusy(false);
    }
  };
  return (
    <div className="form">
      <p>
        You are logged in as <strong>{props.name}</strong> ({props.email}). Accepting adds this
        access to that account.
      </p>
      <button
        type="button"
        className="btn"
        data-testid="invite-accept-me"
        disabled={busy}
        onClick={() => void accept()}
      >
        {busy ? 'Accepting…' : `Accept as ${props.name}`}
      </button>
      <button type="button" className="icon-btn" onClick={props.onOther}>
        Not you? Log out to accept with another account
      </button>
    </div>
  );
}

function NewAccount(props: { token: string; preview: InvitationPreview; onLoggedIn: () => void }) {
  const setBanner = useStore((s) => s.setBanner);
  const [haveAccount, setHaveAccount] = useState(false);
  const [email, setEmail] = useState(props.preview.email ?? '');
  const [name, setName] = useState(props.preview.displayName ?? '');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const mismatch = again !== '' && again !== password;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setBanner(null);
    try {
      if (haveAccount) {
        await session.login(email.trim(), password);
        props.onLoggedIn();
        return;
      }
      const started = await publicApi.acceptInvitation({
        token: props.token,
        ...(props.preview.email === null ? { email: email.trim() } : {}),
        displayName: name.trim(),
        password,
      });
      session.start(started);
      // A new account has exactly the one grant it was invited to.
      const me = await api.me();
      const joined = me.kind === 'device' ? undefined : me.grants[0]?.siteId;
      if (joined) enter(joined);
      else goHome();
    } catch (error) {
      setBanner(describeApiError(error));
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)}>
      <p className="hint">
        {haveAccount
          ? 'Log in, then accept the invitation into your account.'
          : 'Choose your name and password: you log in with them from now on.'}
      </p>
      <label className="field">
        <span>E-mail</span>
        <input
          type="email"
          required
          data-testid="invite-accept-email"
          autoComplete="username"
          readOnly={!haveAccount && props.preview.email !== null}
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </label>
      {!haveAccount && (
        <label className="field">
          <span>Your name (as others on the site see it)</span>
          <input
            required
            maxLength={100}
            data-testid="invite-accept-name"
            autoComplete="name"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </label>
      )}
      <label className="field">
        <span>{haveAccount ? 'Password' : 'Password (10 characters or more)'}</span>
        <input
          type="password"
          required
          minLength={haveAccount ? 1 : 10}
          data-testid="invite-accept-password"
          autoComplete={haveAccount ? 'current-password' : 'new-password'}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </label>
      {!haveAccount && (
        <label className="field">
          <span>Password again</span>
          <input
            type="password"
            required
            data-testid="invite-accept-password-again"
            autoComplete="new-password"
            aria-invalid={mismatch}
            value={again}
            onChange={(event) => setAgain(event.target.value)}
          />
          {mismatch && <span className="field__error">The two passwords differ.</span>}
        </label>
      )}
      <button type="submit" className="btn" data-testid="invite-accept" disabled={busy || mismatch}>
        {busy ? 'One moment…' : haveAccount ? 'Log in' : `Join ${props.preview.siteName}`}
      </button>
      <button type="button" className="icon-btn" onClick={() => setHaveAccount((v) => !v)}>
        {haveAccount ? 'I am new here: create my account' : 'I already have an account'}
      </button>
    </form>
  );
}
