import { useState, type FormEvent } from 'react';
import { SITE_ROLES, type GrantWithAccount, type SiteRole } from '@porchlight/sdk/rest';
import { formatTime } from '@porchlight/web-ui';
import { useStore } from '../store/index.ts';

function when(g: GrantWithAccount): string {
  if (g.validFrom === null && g.validUntil === null) return 'always';
  return [
    g.validFrom !== null ? `from ${formatTime(g.validFrom)}` : '',
    g.validUntil !== null ? `until ${formatTime(g.validUntil)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

export function SitePeople({ siteId }: { siteId: string }) {
  const grants = useStore((s) => s.siteGrants);
  const devices = useStore((s) => s.siteDevices);
  const revokeGrant = useStore((s) => s.revokeGrant);
  const names = new Map((devices ?? []).map((d) => [d.id, d.name]));
  const active = (grants ?? []).filter((g) => !g.revoked);
  return (
    <div className="card">
      <h2>People</h2>
      {grants === null ? (
        <p className="muted">Loading…</p>
      ) : active.length === 0 ? (
        <p className="muted">Nobody has access yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Person</th>
              <th>Role</th>
              <th>Devices</th>
              <th>When</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {active.map((g) => (
              <tr key={g.id} data-testid="grant-row" data-grant-id={g.id}>
                <td>
                  <div>{g.account?.displayName ?? 'Unknown account'}</div>
                  <div className="muted small">{g.account?.email}</div>
                </td>
                <td>{g.role}</td>
                <td>
                  {g.deviceIds === null
                    ? 'all'
                    : g.deviceIds.map((id) => names.get(id) ?? 'removed device').join(', ')}
                </td>
                <td>{when(g)}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="icon-btn icon-btn--danger"
                    data-testid="grant-revoke"
                    onClick={() => void revokeGrant(siteId, g.id)}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddPerson siteId={siteId} />
    </div>
  );
}

/**
 * An existing account by e-mail, or a new one (name and initial password): the administrator's
 * direct path, to every device of the site. Owners invite by link from the home app instead,
 * where the invitee chooses the password and the cameras are chosen one by one.
 */
function AddPerson({ siteId }: { siteId: string }) {
  const addGrant = useStore((s) => s.addGrant);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<SiteRole>('owner');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const ok = await addGrant(siteId, {
      email: email.trim(),
      role,
      devices: { all: true },
      ...(name.trim() ? { displayName: name.trim() } : {}),
      ...(password ? { password } : {}),
    });
    if (!ok) return;
    setEmail('');
    setName('');
    setPassword('');
  };

  return (
    <form className="form add-person" onSubmit={(event) => void onSubmit(event)}>
      <div className="form-row">
        <label className="field">
          <span>E-mail</span>
          <input
            type="email"
            required
            data-testid="invite-email"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label className="field">
          <span>Role</span>
          <select
            data-testid="invite-role"
            value={role}
            onChange={(event) => setRole(event.target.value as SiteRole)}
          >
            {SITE_ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Name (new accounts)</span>
          <input
            data-testid="invite-name"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </label>
        <label className="field">
          <span>Initial password (new accounts)</span>
          <input
            type="password"
            autoComplete="new-password"
            data-testid="invite-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
      </div>
      <p className="hint">Gives access to every device of the site, including ones added later.</p>
      <button type="submit" className="btn" data-testid="invite-submit">
        Give access
      </button>
    </form>
  );
}
