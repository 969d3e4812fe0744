import { useState, type FormEvent } from 'react';
import { SITE_ROLES, type Device, type NewGrant, type SiteRole } from '@porchlight/sdk';
import { fromLocalInput } from '@porchlight/web-ui';
import { useStore } from '../../store/index.ts';

const ROLE_HELP: Record<SiteRole, string> = {
  owner: 'Owner: everything, including people and devices',
  member: 'Member: watch live and recordings, talk back',
  guest: 'Guest: watch live only',
  installer: 'Installer: add and manage cameras, watch live',
};

/**
 * Gives a person (new or existing, by e-mail) a role on the site, optionally limited to some
 * cameras and a time window. A new person also needs a name and an initial password.
 */
export function InviteForm({ devices }: { devices: Device[] }) {
  const invite = useStore((s) => s.invite);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<SiteRole>('member');
  const [deviceIds, setDeviceIds] = useState<string[]>([]);
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  const toggleDevice = (id: string, on: boolean): void =>
    setDeviceIds((ids) => (on ? [...ids, id] : ids.filter((d) => d !== id)));

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const validFrom = fromLocalInput(from);
    const validUntil = fromLocalInput(until);
    const grant: NewGrant = {
      email: email.trim(),
      role,
      // None ticked means every camera, now and later.
      ...(deviceIds.length ? { deviceIds } : {}),
      ...(validFrom !== undefined ? { validFrom } : {}),
      ...(validUntil !== undefined ? { validUntil } : {}),
      ...(name.trim() ? { displayName: name.trim() } : {}),
      ...(password ? { password } : {}),
    };
    setBusy(true);
    const ok = await invite(grant);
    setBusy(false);
    if (!ok) return;
    setEmail('');
    setDeviceIds([]);
    setFrom('');
    setUntil('');
    setName('');
    setPassword('');
  };

  return (
    <form className="form card" onSubmit={(event) => void onSubmit(event)}>
      <h2>Invite someone</h2>
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
                {ROLE_HELP[r]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {devices.length > 0 && (
        <fieldset className="field">
          <legend>Cameras (none ticked: all cameras)</legend>
          <div className="checks">
            {devices.map((device) => (
              <label key={device.id} className="check">
                <input
                  type="checkbox"
                  data-testid="invite-device"
                  data-device-id={device.id}
                  value={device.id}
                  checked={deviceIds.includes(device.id)}
                  onChange={(event) => toggleDevice(device.id, event.target.checked)}
                />
                {device.name}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <div className="form-row">
        <label className="field">
          <span>From (optional)</span>
          <input
            type="datetime-local"
            data-testid="invite-from"
            value={from}
            onChange={(event) => setFrom(event.target.value)}
          />
        </label>
        <label className="field">
          <span>Until (optional)</span>
          <input
            type="datetime-local"
            data-testid="invite-until"
            value={until}
            onChange={(event) => setUntil(event.target.value)}
          />
        </label>
      </div>
      <p className="hint">For someone without a Porchlight account yet:</p>
      <div className="form-row">
        <label className="field">
          <span>Name</span>
          <input
            data-testid="invite-name"
            autoComplete="off"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </label>
        <label className="field">
          <span>Initial password (10+ characters)</span>
          <input
            type="password"
            data-testid="invite-password"
            autoComplete="new-password"
            minLength={10}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
      </div>
      <button type="submit" className="btn" data-testid="invite-submit" disabled={busy}>
        {busy ? 'Inviting…' : 'Invite'}
      </button>
    </form>
  );
}
