import { useState, type FormEvent } from 'react';
import { useStore } from '../store/index.ts';

/** E-mail and password; errors (wrong password, too many attempts) go to the error banner. */
export function LoginForm() {
  const login = useStore((s) => s.login);
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
      <img className="panel__icon" src="/icon.svg" alt="" width={56} height={56} />
      <h1>Log in to Porchlight</h1>
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
      <p className="hint">
        To turn this device into a camera, open the camera link the owner created for it instead.
      </p>
    </section>
  );
}
