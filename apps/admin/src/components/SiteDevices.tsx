import { useState, type FormEvent } from 'react';
import { ConfirmButton, formatAgo, formatBitrate } from '@porchlight/web-ui';
import { useStore } from '../store/index.ts';
import { OneTimeSecrets } from './OneTimeSecrets.tsx';

export function SiteDevices({ siteId }: { siteId: string }) {
  const devices = useStore((s) => s.siteDevices);
  const rotateDevice = useStore((s) => s.rotateDevice);
  const removeDevice = useStore((s) => s.removeDevice);
  const shown = (devices ?? []).filter((d) => !d.revoked);
  return (
    <div className="card">
      <h2>Devices</h2>
      <OneTimeSecrets />
      {devices === null ? (
        <p className="muted">Loading…</p>
      ) : shown.length === 0 ? (
        <p className="muted">No devices.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Device</th>
              <th>Last seen</th>
              <th>Address</th>
              <th>User agent</th>
              <th>Bitrate</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {shown.map((d) => {
              const state = !d.provisioned ? 'pending' : d.online ? 'online' : 'offline';
              return (
                <tr key={d.id} data-testid="device-row" data-device-id={d.id} data-state={state}>
                  <td>
                    <span className={`dot dot--${state}`} aria-hidden="true" />
                    <strong>{d.name}</strong>{' '}
                    <span className="muted small">
                      {d.kind}, {state}
                    </span>
                  </td>
                  <td>{d.lastSeenAt !== null ? formatAgo(d.lastSeenAt) : '—'}</td>
                  <td>{d.lastAddress ?? '—'}</td>
                  <td className="small ua">{d.userAgent ?? '—'}</td>
                  <td>{d.online && d.bitrate ? formatBitrate(d.bitrate) : '—'}</td>
                  <td className="row-actions">
                    {d.provisioned && (
                      <ConfirmButton
                        label="Rotate credential"
                        confirmLabel="Rotate"
                        testId="device-rotate"
                        onConfirm={() => void rotateDevice(siteId, d)}
                      />
                    )}
                    <ConfirmButton
                      label="Remove"
                      confirmLabel="Remove device"
                      testId="device-remove"
                      onConfirm={() => void removeDevice(siteId, d.id)}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <AddCamera siteId={siteId} />
    </div>
  );
}

function AddCamera({ siteId }: { siteId: string }) {
  const addCamera = useStore((s) => s.addCamera);
  const [name, setName] = useState('');
  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (await addCamera(siteId, name.trim())) setName('');
  };
  return (
    <form className="inline-form add-camera" onSubmit={(event) => void onSubmit(event)}>
      <input
        aria-label="New camera name"
        data-testid="add-camera-name"
        required
        maxLength={64}
        placeholder="New camera name"
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <button type="submit" className="btn" data-testid="add-camera-submit" disabled={!name.trim()}>
        Add camera
      </button>
    </form>
  );
}
