import { useEffect, useState } from 'react';
import type { DeviceDetection } from '@porchlight/sdk';
import { api } from '../../auth/services.ts';

/** Re-read where detection runs this often (the server's detector reports every 2 s). */
const REFRESH_MS = 3000;

type Placement = Pick<DeviceDetection, 'runsOn' | 'capability' | 'server'>;

const WHERE: Record<DeviceDetection['runsOn'], string> = {
  camera: 'On this camera',
  server: 'On the server',
  unavailable: 'Nowhere: the server cannot take it (detector host off or full)',
  off: 'Off',
};

/**
 * Where this camera's person detection runs now (its own page, or the server's detector host:
 * docs/detection.md "Detection on the server"), with the host's live figures. `initial` is what
 * the screen loaded; `version` changes after a save, to re-read at once.
 */
export function RunsOnCard({
  deviceId,
  initial,
  version,
}: {
  deviceId: string;
  initial: Placement;
  version: number;
}) {
  const [p, setP] = useState<Placement>(initial);
  useEffect(() => setP(initial), [initial]);
  useEffect(() => {
    let stale = false;
    const read = (): void => {
      api.getDetectionSettings(deviceId).then(
        (d) => stale || setP(d),
        () => undefined,
      );
    };
    read();
    const timer = setInterval(read, REFRESH_MS);
    return () => {
      stale = true;
      clearInterval(timer);
    };
  }, [deviceId, version]);

  const server = p.server;
  return (
    <section className="card detector-where" data-testid="detection-where">
      <h2>Where detection runs</h2>
      <p data-testid="detection-runs-on" data-runs-on={p.runsOn}>
        {WHERE[p.runsOn]}
      </p>
      {p.capability && !p.capability.canDetect && (
        <p className="muted" data-testid="detection-capability">
          The camera cannot detect by itself: {p.capability.reason ?? 'no reason given'}
        </p>
      )}
      {server && (
        <dl data-testid="detection-server-status" data-state={server.state}>
          <dt>Server detector</dt>
          <dd>{server.state}</dd>
          {server.detectionsPerSecond !== null && (
            <>
              <dt>Detections</dt>
              <dd data-testid="detection-server-rate">{server.detectionsPerSecond.toFixed(1)}/s</dd>
            </>
          )}
          {server.backend !== null && (
            <>
              <dt>Backend</dt>
              <dd>
                {server.backend}
                {server.msPerFrame !== null ? ` · ${Math.round(server.msPerFrame)} ms/frame` : ''}
              </dd>
            </>
          )}
          <dt>Events</dt>
          <dd>{server.events}</dd>
          {server.error && (
            <>
              <dt>Problem</dt>
              <dd>{server.error}</dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}
