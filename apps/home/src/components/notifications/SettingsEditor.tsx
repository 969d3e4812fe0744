import { useState } from 'react';
import type { NotificationSettings, PushDevice } from '@porchlight/protocol';
import type { NotificationSource } from './useNotificationSources.ts';

const key = (siteId: string, deviceId: string): string => `${siteId}/${deviceId}`;
const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

interface Props {
  device: PushDevice;
  sources: NotificationSource[] | null;
  busy: boolean;
  onSave(settings: NotificationSettings): void;
}

/** Which doors and cameras notify this device, and its quiet hours. */
export function SettingsEditor({ device, sources, busy, onSave }: Props) {
  const initial = device.settings;
  const [all, setAll] = useState(initial.devices === null);
  const [chosen, setChosen] = useState<Set<string>>(
    () => new Set((initial.devices ?? []).map((d) => key(d.siteId, d.deviceId))),
  );
  const [quiet, setQuiet] = useState(initial.quietHours !== null);
  const [start, setStart] = useState(initial.quietHours?.start ?? '22:00');
  const [end, setEnd] = useState(initial.quietHours?.end ?? '07:00');

  const toggle = (k: string): void =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (next.has(k)) next.delete(k);
      else next.add(k);
      return next;
    });

  const save = (): void =>
    onSave({
      devices: all
        ? null
        : (sources ?? [])
            .filter((s) => chosen.has(key(s.siteId, s.device.id)))
            .map((s) => ({ siteId: s.siteId, deviceId: s.device.id })),
      // Quiet hours follow the zone this device is in when saved.
      quietHours: quiet ? { start, end, timeZone: localZone() } : null,
    });

  return (
    <div className="notify-settings" data-testid="notify-settings">
      <fieldset className="notify-fieldset">
        <legend>Notify me about</legend>
        <label className="notify-choice">
          <input
            type="checkbox"
            data-testid="notify-all"
            checked={all}
            onChange={(e) => setAll(e.target.checked)}
          />
          <span>Every door and camera</span>
        </label>
        {!all &&
          (sources === null ? (
            <p className="hint">Loading doors and cameras…</p>
          ) : sources.length === 0 ? (
            <p className="hint">No doors or cameras yet.</p>
          ) : (
            sources.map((s) => {
              const k = key(s.siteId, s.device.id);
              return (
                <label key={k} className="notify-choice">
                  <input
                    type="checkbox"
                    data-testid={`notify-source-${s.device.id}`}
                    checked={chosen.has(k)}
                    onChange={() => toggle(k)}
                  />
                  <span>
                    {s.device.name}{' '}
                    <small>
                      {s.device.kind === 'doorbell' ? 'door' : 'camera'} · {s.siteName}
                    </small>
                  </span>
                </label>
              );
            })
          ))}
      </fieldset>
      <fieldset className="notify-fieldset">
        <legend>Quiet hours</legend>
        <label className="notify-choice">
          <input
            type="checkbox"
            data-testid="notify-quiet"
            checked={quiet}
            onChange={(e) => setQuiet(e.target.checked)}
          />
          <span>No rings on this device from… to…</span>
        </label>
        {quiet && (
          <div className="notify-hours">
            <label className="field">
              <span>From</span>
              <input
                type="time"
                data-testid="notify-quiet-start"
                value={start}
                onChange={(e) => setStart(e.target.value)}
              />
            </label>
            <label className="field">
              <span>Until</span>
              <input
                type="time"
                data-testid="notify-quiet-end"
                value={end}
                onChange={(e) => setEnd(e.target.value)}
              />
            </label>
            <p className="hint">Time zone: {localZone()}</p>
          </div>
        )}
      </fieldset>
      <button
        type="button"
        className="btn"
        data-testid="notify-save"
        disabled={busy}
        onClick={save}
      >
        Save
      </button>
    </div>
  );
}
