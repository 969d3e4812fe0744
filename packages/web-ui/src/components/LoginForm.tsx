import { useState, type FormEvent, type ReactNode } from 'react';

interface Props {
  title: string;
  /** Resolves when the attempt is over; errors (wrong password, too many attempts) go to the banner. */
  login(email: string, password: string): Promise<void>;
  /** An icon above the title (the home app's). */
  icon?: string;
  /** Shown under the form. */
  children?: ReactNode;
}

/** E-mail and password, as both apps ask for them (tests find the fields by their test ids). */
export function LoginForm({ title, login, icon, children }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    await login(email.trim(), password);
    // Unmounted on success; on failure keep the e-mail, drop the password.
    setBusy(false);
    setPassword('');
  };

  return (
    <section className="panel narrow">
      {icon && <img className="panel__icon" src={icon} alt="" width={56} height={56} />}
      <h1>{title}</h1>
      <form className="form" onSubmit={(event) => void onSubmit(event)}>
        <label className="field">
          <span>E-mail</span>
          <input
            type="email"
            data-testid="login-email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            data-testid="login-password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <button type="submit" className="btn" data-testid="login-submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      {children}
    </section>
  );
}
