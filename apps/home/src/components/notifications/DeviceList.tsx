import { useState } from 'react';
import { ConfirmButton, formatAgo } from '@porchlight/web-ui';
import type { PushDevice } from '@porchlight/protocol';
import { SettingsEditor } from './SettingsEditor.tsx';
import type { NotificationSource } from './useNotificationSources.ts';
import type { PushDevicesState } from './usePushDevices.ts';

interface Props {
  state: PushDevicesState;
  sources: NotificationSource[] | null;
}

/**
 * My subscribed browsers: when each last received something, its settings (a phone's can be
 * changed from the laptop), a test button, remove.
 */
export function DeviceList({ state, sources }: Props) {
  const { devices, thisDevice, busy, testResult } = state;
  const [editing, setEditing] = useState<string | null>(null);
  if (devices === null) return <p className="hint">Loading…</p>;
  if (devices.length === 0)
    return <p className="hint">No device of yours receives notifications yet.</p>;
  return (
    <ul className="notify-devices" data-testid="notify-devices">
      {devices.map((d: PushDevice) => (
        <li key={d.id} className="notify-device" data-testid="notify-device">
          <div className="notify-device__name">
            <strong>{d.label}</strong>
            {d.id === thisDevice?.id && <span className="badge">this device</span>}
            <small>
              {d.lastSuccessAt
                ? `last notified ${formatAgo(d.lastSuccessAt)}`
                : `added ${formatAgo(d.createdAt)}`}
              {d.lastFailureAt && (!d.lastSuccessAt || d.lastFailureAt > d.lastSuccessAt)
                ? ' · last delivery failed'
                : ''}
            </small>
            {testResult?.deviceId === d.id && (
              <small data-testid="notify-test-result" role="status">
                {testResult.result.delivered
                  ? 'Test sent: it should appear in a moment.'
                  : `Test not delivered: ${testResult.result.detail}`}
              </small>
            )}
          </div>
          <div className="notify-device__actions">
            {d.id !== thisDevice?.id && (
              <button
                type="button"
                className="icon-btn"
                data-testid="notify-edit"
                aria-expanded={editing === d.id}
                onClick={() => setEditing(editing === d.id ? null : d.id)}
              >
                Settings
              </button>
            )}
            <button
              type="button"
              className="icon-btn"
              data-testid="notify-test"
              disabled={busy}
              onClick={() => void state.sendTest(d.id)}
            >
              Send test
            </button>
            <ConfirmButton
              label="Remove"
              confirmLabel="Stop notifying it"
              testId="notify-remove"
              onConfirm={() => void state.remove(d.id)}
            />
          </div>
          {editing === d.id && d.id !== thisDevice?.id && (
            <SettingsEditor
              device={d}
              sources={sources}
              busy={busy}
              onSave={(settings) => {
                void state.save(d.id, { settings });
                setEditing(null);
              }}
            />
          )}
        </li>
      ))}
    </ul>
  );
}
