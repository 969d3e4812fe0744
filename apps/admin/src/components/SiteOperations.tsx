import { useEffect } from 'react';
import { formatAgo, formatBitrate, formatBytes, formatTime } from '@porchlight/web-ui';
import type { UsageReport } from '@porchlight/sdk/rest';
import { useStore } from '../store/index.ts';

/** Metered dimensions as the admin reads them: label and unit. */
const USAGE_ROWS: [keyof UsageReport['totals'], string, string][] = [
  ['ingestBytes', 'Ingested (RTP into the SFU)', 'bytes'],
  ['consumeBytes', 'Consumed (viewers, downloads)', 'bytes'],
  ['hlsBytes', 'Served over HLS', 'bytes'],
  ['storedByteSeconds', 'Storage', 'byte-seconds'],
  ['activeChannels', 'Active signaling channels', 'devices'],
  ['signalingMessages', 'Signaling messages', 'messages'],
  ['turnMinutes', 'TURN relay', 'minutes'],
];

/** Exact decimal quantities, grouped by thousands without going through a float. */
function grouped(quantity: string): string {
  return quantity.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** A site's devices for operations (status, firmware, storage per stream) and this month's usage. */
export function SiteOperations({ siteId }: { siteId: string }) {
  const rows = useStore((s) => s.deviceUsage);
  const usage = useStore((s) => s.monthUsage);
  const load = useStore((s) => s.loadOperations);
  useEffect(() => {
    void load(siteId);
  }, [siteId, load]);

  return (
    <div className="card" data-testid="site-operations">
      <h2>Devices and storage</h2>
      <p>
        <button
          type="button"
          className="icon-btn"
          data-testid="operations-refresh"
          onClick={() => void load(siteId)}
        >
          Refresh
        </button>
      </p>
      {rows === null ? (
        <p className="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="muted">No devices.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Device</th>
              <th>Bitrate</th>
              <th>Last seen</th>
              <th>Firmware / user agent</th>
              <th>Stored</th>
              <th>Segments</th>
              <th>Oldest</th>
              <th>Newest</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} data-testid="ops-device-row" data-device-id={d.id}>
                <td>
                  <strong>{d.name}</strong>{' '}
                  <span className="muted small" data-testid="ops-online">
                    {d.kind}, {d.online ? 'online' : 'offline'}
                  </span>
                </td>
                <td data-testid="ops-bitrate">{d.bitrate ? formatBitrate(d.bitrate) : '—'}</td>
                <td>{d.lastSeenAt !== null ? formatAgo(d.lastSeenAt) : '—'}</td>
                <td className="small ua" data-testid="ops-firmware">
                  {d.firmware ?? '—'}
                  {d.userAgent ? <span className="muted"> · {d.userAgent}</span> : null}
                </td>
                <td data-testid="ops-stored" data-bytes={d.storage?.storedBytes ?? 0}>
                  {d.storage ? formatBytes(d.storage.storedBytes) : '—'}
                </td>
                <td data-testid="ops-segments">{d.storage?.segments ?? '—'}</td>
                <td>{d.storage?.oldest != null ? formatTime(d.storage.oldest) : '—'}</td>
                <td>{d.storage?.newest != null ? formatTime(d.storage.newest) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Usage this month (UTC)</h3>
      {usage === null ? (
        <p className="muted">—</p>
      ) : (
        <table className="table" data-testid="ops-usage">
          <tbody>
            {USAGE_ROWS.map(([key, label, unit]) => (
              <tr key={key}>
                <td>{label}</td>
                <td data-testid={`ops-usage-${key}`} data-value={usage.totals[key]}>
                  {grouped(usage.totals[key])} {unit}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
