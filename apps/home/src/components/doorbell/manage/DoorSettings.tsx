import { useEffect, useState, type FormEvent } from 'react';
import type { Door } from '@porchlight/protocol';
import { describeApiError } from '@porchlight/sdk';
import { api } from '../../../auth/services.ts';

interface Props {
  door: Door;
  onSaved: (door: Door) => void;
}

/** Name visitors see, ring window, do-not-disturb switch and quick replies of one door. */
export function DoorSettings({ door, onSaved }: Props) {
  const [name, setName] = useState(door.displayName);
  const [ringWindow, setRingWindow] = useState(door.ringWindowSeconds);
  const [replies, setReplies] = useState(door.quickReplies.join('\n'));
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Follows the tap at once; the saved door (or an error) settles it.
  const [dnd, setDnd] = useState(door.dnd.enabled);

  useEffect(() => {
    setDnd(door.dnd.enabled);
    setName(door.displayName);
    setRingWindow(door.ringWindowSeconds);
    setReplies(door.quickReplies.join('\n'));
  }, [door]);

  const save = (patch: Parameters<typeof api.updateDoor>[2]): void => {
    setBusy(true);
    setStatus(null);
    api
      .updateDoor(door.siteId, door.id, patch)
      .then(
        (d) => {
          onSaved(d);
          setStatus('Saved');
        },
        (e: unknown) => {
          setDnd(door.dnd.enabled);
          setStatus(describeApiError(e));
        },
      )
      .finally(() => setBusy(false));
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    save({
      displayName: name.trim(),
      ringWindowSeconds: ringWindow,
      quickReplies: replies
        .split('\n')
        .map((r) => r.trim())
        .filter((r) => r !== '')
        .slice(0, 10),
    });
  };

  return (
    <form className="form door-settings" onSubmit={submit} data-testid="door-settings">
      <label className="check">
        <input
          type="checkbox"
          data-testid="door-dnd"
          checked={dnd}
          disabled={busy}
          onChange={(e) => {
            setDnd(e.target.checked);
            save({ dnd: { ...door.dnd, enabled: e.target.checked } });
          }}
        />
        <span>
          Do not disturb{' '}
          {door.dndActive && <strong className="door-dnd-on">(on now: nobody is rung)</strong>}
        </span>
      </label>
      <label className="field">
        <span>Name visitors see</span>
        <input
          data-testid="door-display-name"
          required
          maxLength={64}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Ring for (seconds, 10–120)</span>
        <input
          type="number"
          data-testid="door-ring-window"
          min={10}
          max={120}
          required
          value={ringWindow}
          onChange={(e) => setRingWindow(Number(e.target.value))}
        />
      </label>
      <label className="field">
        <span>Quick replies (one per line, up to 10)</span>
        <textarea
          data-testid="door-quick-replies"
          rows={3}
          value={replies}
          onChange={(e) => setReplies(e.target.value)}
        />
      </label>
      <div className="actions">
        <button type="submit" className="btn btn--small" disabled={busy} data-testid="door-save">
          Save
        </button>
        {status && (
          <span className="muted small" role="status" data-testid="door-settings-status">
            {status}
          </span>
        )}
      </div>
    </form>
  );
}
