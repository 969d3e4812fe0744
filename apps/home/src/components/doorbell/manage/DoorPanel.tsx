import { useEffect, useState } from 'react';
import type { Door } from '@porchlight/protocol';
import { describeApiError } from '@porchlight/sdk';
import { api } from '../../../auth/services.ts';
import { CallHistory } from './CallHistory.tsx';
import { DoorLinks } from './DoorLinks.tsx';
import { useStore } from '../../../store/index.ts';
import { DndScheduleEditor } from './DndScheduleEditor.tsx';
import { DoorSettings } from './DoorSettings.tsx';
import { UnlockWebhookEditor } from './UnlockWebhookEditor.tsx';
import '../../../styles/call.css';

/**
 * One doorbell on the devices page: its settings, do-not-disturb schedule and smart lock (owners),
 * visitor links and call history.
 */
export function DoorPanel({ siteId, doorId }: { siteId: string; doorId: string }) {
  const [door, setDoor] = useState<Door | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Owners and admins (the people page's test): the lock and the schedule are theirs to set.
  const isOwner = useStore((s) => s.canManagePeople);

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
      {door && isOwner && <DndScheduleEditor door={door} onSaved={setDoor} />}
      {door && isOwner && <UnlockWebhookEditor door={door} onSaved={setDoor} />}
      <DoorLinks siteId={siteId} doorId={doorId} />
      <CallHistory siteId={siteId} doorId={doorId} />
    </section>
  );
}
