import { DeviceList } from './DeviceList.tsx';
import { SettingsEditor } from './SettingsEditor.tsx';
import { useNotificationSources } from './useNotificationSources.ts';
import { usePushDevices } from './usePushDevices.ts';
import '../../styles/notifications.css';

/**
 * `/settings/notifications`: turn notifications on or off for this device (permission is asked
 * only on the button's click), choose doors/cameras and quiet hours, send a test, and see and
 * remove the other devices that receive my notifications.
 */
export function NotificationSettingsPage() {
  const state = usePushDevices();
  const sources = useNotificationSources();
  const { support, thisDevice, busy, error } = state;

  return (
    <section className="page notify-page" data-testid="notification-settings">
      <h1>Notifications</h1>
      {error && (
        <p className="notify-error" role="alert" data-testid="notify-error">
          {error}
        </p>
      )}
      <div className="card">
        <h2>This device</h2>
        {!support.ok ? (
          <p className="hint" data-testid="notify-unsupported">
            {support.reason}
          </p>
        ) : thisDevice ? (
          <>
            <p>
              Doorbell rings and alerts arrive here even when the app is closed.{' '}
              <button
                type="button"
                className="icon-btn"
                data-testid="notify-disable"
                disabled={busy}
                onClick={() => void state.disable()}
              >
                Turn off
              </button>
            </p>
            <SettingsEditor
              key={thisDevice.id}
              device={thisDevice}
              sources={sources}
              busy={busy}
              onSave={(settings) => void state.save(thisDevice.id, { settings })}
            />
          </>
        ) : (
          <p>
            Get doorbell rings and alerts on this device, even when the app is closed.{' '}
            <button
              type="button"
              className="btn"
              data-testid="notify-enable"
              disabled={busy}
              onClick={() => void state.enable()}
            >
              {busy ? 'Turning on…' : 'Turn on notifications'}
            </button>
          </p>
        )}
      </div>
      <div className="card">
        <h2>My devices</h2>
        <DeviceList state={state} sources={sources} />
      </div>
    </section>
  );
}
