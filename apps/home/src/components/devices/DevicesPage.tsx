import { useEffect, useState } from 'react';
import { useStore } from '../../store/index.ts';
import { DoorPanel } from '../doorbell/manage/DoorPanel.tsx';
import { AddCamera } from './AddCamera.tsx';
import { DeviceRow } from './DeviceRow.tsx';
import { IngestCameras } from './IngestCameras.tsx';
import { RotatedCredential } from './RotatedCredential.tsx';
import { SiteAlarms } from './SiteAlarms.tsx';

/** Online status changes by itself: the list is re-read this often while shown. */
const REFRESH_MS = 10_000;

/** The site's cameras: status, adding (QR code), renaming, rotating, removing. */
export function DevicesPage() {
  const devices = useStore((s) => s.devices);
  const loadDevices = useStore((s) => s.loadDevices);
  const siteId = useStore((s) => s.siteId);
  const [serverSide, setServerSide] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    void loadDevices();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void loadDevices();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [siteId, loadDevices]);

  const shown = (devices ?? []).filter((d) => !d.revoked);
  return (
    <section className="page">
      <h1>Devices</h1>
      {siteId && <SiteAlarms siteId={siteId} />}
      <AddCamera />
      {siteId && <IngestCameras siteId={siteId} onSources={setServerSide} />}
      <RotatedCredential />
      {devices === null ? (
        <p className="muted">Loading…</p>
      ) : shown.length === 0 ? (
        <p className="muted">
          No cameras yet. Add one: any phone or laptop with a browser will do.
        </p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Camera</th>
              <th>Last seen</th>
              <th>Address</th>
              <th>Browser</th>
              <th>Bitrate</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {shown.map((device) => (
              <DeviceRow key={device.id} device={device} serverSide={serverSide.has(device.id)} />
            ))}
          </tbody>
        </table>
      )}
      {siteId &&
        shown
          .filter((d) => d.kind === 'doorbell' && d.provisioned)
          .map((d) => <DoorPanel key={d.id} siteId={siteId} doorId={d.id} />)}
    </section>
  );
}
