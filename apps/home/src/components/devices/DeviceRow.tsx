import { useState, type FormEvent } from 'react';
import type { Device } from '@porchlight/sdk';
import { ConfirmButton, formatAgo, formatBitrate } from '@porchlight/web-ui';
import { useStore } from '../../store/index.ts';

/** "Chrome 131 on Android" is all a person needs from a user agent string; the rest is a tooltip. */
function shortAgent(ua: string): string {
  const browser = /(Edg|Firefox|Chrome|Safari)\/(\d+)/.exec(ua);
  const os = /(Android|iPhone|iPad|Windows|Mac OS X|Linux|CrOS)/.exec(ua);
  if (!browser) return ua.slice(0, 40);
  const name = browser[1] === 'Edg' ? 'Edge' : browser[1];
  return `${name} ${browser[2]}${os ? ` on ${os[1] === 'Mac OS X' ? 'macOS' : os[1]}` : ''}`;
}

export function DeviceRow({
  device,
  serverSide = false,
}: {
  device: Device;
  /** An RTSP/RTMP camera the server feeds: it has no credential a person could use. */
  serverSide?: boolean;
}) {
  const [editing, setEditing] = useState(false);
  const rotateDevice = useStore((s) => s.rotateDevice);
  const removeDevice = useStore((s) => s.removeDevice);
  const navigate = useStore((s) => s.navigate);
  const state = !device.provisioned ? 'pending' : device.online ? 'online' : 'offline';

  return (
    <tr data-testid="device-row" data-device-id={device.id} data-state={state}>
      <td>
        <span className={`dot dot--${state}`} aria-hidden="true" />
        {editing ? (
          <RenameForm device={device} onDone={() => setEditing(false)} />
        ) : (
          <>
            <span className="device-name">{device.name}</span>{' '}
            <span className="muted small">{state === 'pending' ? 'waiting for setup' : state}</span>
          </>
        )}
      </td>
      <td>{device.lastSeenAt !== null ? formatAgo(device.lastSeenAt) : '—'}</td>
      <td>{device.lastAddress ?? '—'}</td>
      <td title={device.userAgent ?? undefined}>
        {device.userAgent ? shortAgent(device.userAgent) : '—'}
      </td>
      <td>{device.online && device.bitrate ? formatBitrate(device.bitrate) : '—'}</td>
      <td className="row-actions">
        {!editing && (
          <button
            type="button"
            className="icon-btn"
            data-testid="device-rename"
            onClick={() => setEditing(true)}
          >
            Rename
          </button>
        )}
        <button
          type="button"
          className="icon-btn"
          data-testid="device-detection"
          onClick={() => navigate({ name: 'detection', deviceId: device.id })}
        >
          Detection
        </button>
        {device.provisioned && !serverSide && (
          <ConfirmButton
            label="Rotate credential"
            confirmLabel="Rotate"
            testId="device-rotate"
            onConfirm={() => void rotateDevice(device.id)}
          >
            It disconnects the camera until it gets the new credential.
          </ConfirmButton>
        )}
        <ConfirmButton
          label="Remove"
          confirmLabel="Remove camera"
          testId="device-remove"
          onConfirm={() => void removeDevice(device.id)}
        >
          It stops at once; adding it back needs a new camera link.
        </ConfirmButton>
      </td>
    </tr>
  );
}

function RenameForm({ device, onDone }: { device: Device; onDone: () => void }) {
  const renameDevice = useStore((s) => s.renameDevice);
  const [name, setName] = useState(device.name);
  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (await renameDevice(device.id, name.trim())) onDone();
  };
  return (
    <form className="inline-form" onSubmit={(event) => void onSubmit(event)}>
      <input
        aria-label="Camera name"
        data-testid="device-name-input"
        value={name}
        maxLength={64}
        required
        autoFocus
        onChange={(event) => setName(event.target.value)}
      />
      <button type="submit" className="icon-btn" disabled={!name.trim()}>
        Save
      </button>
      <button type="button" className="icon-btn" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}
