import { useEffect, useState } from 'react';
import type { Door } from '@porchlight/protocol';
import { describeApiError } from '@porchlight/sdk';
import { api } from '../../../auth/services.ts';
import { CallHistory } from './CallHistory.tsx';
import { DoorLinks } from './DoorLinks.tsx';
import { DoorSettings } from './DoorSettings.tsx';
import '../../../styles/call.css';

/** One doorbell on the devices page: its settings, visitor links and call history. */
export function DoorPanel({ siteId, doorId }: { siteId: string; doorId: string }) {
  const [door, setDoor] = useState<Door | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    api.getDoor(siteId, doorId).then(
      (d) => !stale && setDoor(d),
      (e: unknown) => !stale && setError(describeApiError(e)),
    );
    return () => {
      stale = true;
    };
  }, [siteId, doorId]);

  return (
    <section className="card door-panel" data-testid="door-panel-manage" data-door-id={doorId}>
      <h2>{door ? `Doorbell “${door.deviceName}”` : 'Doorbell'}</h2>
      {error && <p className="hint hint--warn">{error}</p>}
      {door && <DoorSettings door={door} onSaved={setDoor} />}
      <DoorLinks siteId={siteId} doorId={doorId} />
      <CallHistory siteId={siteId} doorId={doorId} />
    </section>
  );
}
