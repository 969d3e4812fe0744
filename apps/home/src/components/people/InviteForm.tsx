import { useState, type FormEvent } from 'react';
import { SITE_ROLES, type Device, type NewInvitation, type SiteRole } from '@porchlight/sdk';
import { fromLocalInput } from '@porchlight/web-ui';
import { useStore } from '../../store/index.ts';
import { ROLE_HELP } from '../invite/roleText.ts';

/** How long the link works: the owner picks; the server allows up to 30 days. */
const LINK_DAYS = [1, 7, 30] as const;

/**
 * Invites a person by single-use link: who it is for (an e-mail or a name), the role, which
 * cameras (an explicit choice: all, including later ones, or the ticked ones) and an optional
 * time window. The invitee chooses their own password when they open the link.
 */
export function InviteForm({ devices }: { devices: Device[] }) {
  const invite = useStore((s) => s.invite);
  const [who, setWho] = useState('');
  const [role, setRole] = useState<SiteRole>('member');
  const [scope, setScope] = useState<'all' | 'some' | null>(null);
  const [deviceIds, setDeviceIds] = useState<string[]>([]);
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const [days, setDays] = useState<number>(7);
  const [busy, setBusy] = useState(false);

  const toggleDevice = (id: string, on: boolean): void =>
    setDeviceIds((ids) => (on ? [...ids, id] : ids.filter((d) => d !== id)));

  // Nothing is preselected: inviting without deciding which cameras is not possible.
  const cameraProblem =
    scope === null
      ? 'Choose which cameras this person may see.'
      : scope === 'some' && deviceIds.length === 0
        ? 'Tick at least one camera, or choose all cameras.'
        : null;

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (cameraProblem) return;
    const validFrom = fromLocalInput(from);
    const validUntil = fromLocalInput(until);
    const target = who.trim();
    const invitation: NewInvitation = {
      ...(target.includes('@') ? { email: target } : { displayName: target }),
      role,
      devices: scope === 'all' ? { all: true } : { ids: deviceIds },
      ...(validFrom !== undefined ? { validFrom } : {}),
      ...(validUntil !== undefined ? { validUntil } : {}),
      ttlSeconds: days * 24 * 3600,
    };
    setBusy(true);
    const ok = await invite(invitation);
    setBusy(false);
    if (!ok) return;
    setWho('');
    setScope(null);
    setDeviceIds([]);
    setFrom('');
    setUntil('');
  };

  return (
    <form className="form card" onSubmit={(event) => void onSubmit(event)}>
      <h2>Invite someone</h2>
      <p className="hint">
        You get a link to send them. It works once; they choose their own password.
      </p>
      <div className="form-row">
        <label className="field">
          <span>Their e-mail or name</span>
          <input
            required
            maxLength={254}
            data-testid="invite-who"
            autoComplete="off"
            value={who}
            onChange={(event) => setWho(event.target.value)}
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
      <fieldset className="field" data-testid="invite-cameras-choice">
        <legend>Cameras</legend>
        <label className="check">
          <input
            type="radio"
            name="invite-scope"
            data-testid="invite-all-cameras"
            checked={scope === 'all'}
            onChange={() => setScope('all')}
          />
          All cameras, including ones added later
        </label>
        <label className="check">
          <input
            type="radio"
            name="invite-scope"
            data-testid="invite-some-cameras"
            checked={scope === 'some'}
            disabled={devices.length === 0}
            onChange={() => setScope('some')}
          />
          Only these:
        </label>
        <div className="checks checks--indented">
          {devices.map((device) => (
            <label key={device.id} className="check">
              <input
                type="checkbox"
                data-testid="invite-device"
                data-device-id={device.id}
                value={device.id}
                checked={scope === 'some' && deviceIds.includes(device.id)}
                onChange={(event) => {
                  setScope('some');
                  toggleDevice(device.id, event.target.checked);
                }}
              />
              {device.name}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="form-row">
        <label className="field">
          <span>Access from (optional)</span>
          <input
            type="datetime-local"
            data-testid="invite-from"
            value={from}
            onChange={(event) => setFrom(event.target.value)}
          />
        </label>
        <label className="field">
          <span>Access until (optional)</span>
          <input
            type="datetime-local"
            data-testid="invite-until"
            value={until}
            onChange={(event) => setUntil(event.target.value)}
          />
        </label>
        <label className="field">
          <span>Link works for</span>
          <select
            data-testid="invite-link-days"
            value={days}
            onChange={(event) => setDays(Number(event.target.value))}
          >
            {LINK_DAYS.map((d) => (
              <option key={d} value={d}>
                {d === 1 ? '1 day' : `${d} days`}
              </option>
            ))}
          </select>
        </label>
      </div>
      {cameraProblem && (
        <p className="hint" data-testid="invite-camera-problem" role="status">
          {cameraProblem}
        </p>
      )}
      <button
        type="submit"
        className="btn"
        data-testid="invite-submit"
        disabled={busy || cameraProblem !== null}
      >
        {busy ? 'Creating the link…' : 'Create invitation link'}
      </button>
    </form>
  );
}
