import { useState, type FormEvent } from 'react';
import { useStore } from '../store/index.ts';

export function LoginForm() {
  const login = useStore((s) => s.login);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    await login(email.trim(), password);
    setBusy(false);
    setPassword('');
  };

  return (
    <section className="panel narrow">
      <h1>Porchlight administration</h1>
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
    </section>
  );
}
