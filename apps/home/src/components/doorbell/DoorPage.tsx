import { useCallback, useEffect, useState } from 'react';
import type { DoorPublic } from '@porchlight/protocol';
import { describeApiError } from '@porchlight/sdk';
import { publicApi } from '../../auth/services.ts';
import type { RouteOf } from '../../routing/routes.ts';
import { useVisitorCall } from './useVisitorCall.ts';
import { useWakeLock } from './useWakeLock.ts';
import { VisitorCallPanel } from './VisitorCallPanel.tsx';
import '../../styles/call.css';

/** `/door/:token`: a visitor rings the door from their phone. No login, no app header. */
export function DoorPage({ route }: { route: RouteOf<'door'> }) {
  const [door, setDoor] = useState<DoorPublic | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ring = useCallback(() => publicApi.ringDoor(route.token), [route.token]);
  const call = useVisitorCall(ring);
  useWakeLock();

  useEffect(() => {
    let stale = false;
    publicApi.getDoorByToken(route.token).then(
      (d) => !stale && setDoor(d),
      (e: unknown) => !stale && setError(describeApiError(e)),
    );
    return () => {
      stale = true;
    };
  }, [route.token]);

  if (error) {
    return (
      <main className="door door--page" data-testid="door-screen">
        <h1 className="door__name">Doorbell</h1>
        <p className="door__status" data-testid="door-status">
          This door link is not valid any more. {error}
        </p>
      </main>
    );
  }
  if (!door) {
    return (
      <main className="door door--page" data-testid="door-screen">
        <p className="connecting">Loading…</p>
      </main>
    );
  }
  return (
    <main className="door--page" data-testid="door-screen">
      {door.available || call.state.phase.name !== 'idle' ? (
        <VisitorCallPanel
          doorName={door.doorName}
          state={call.state}
          onRing={call.start}
          onHangUp={call.hangUp}
        />
      ) : (
        <section className="door">
          <h1 className="door__name" data-testid="door-name">
            {door.doorName}
          </h1>
          <p className="door__status" data-testid="door-status">
            {door.unavailableReason ?? 'The household does not take calls right now.'}
          </p>
        </section>
      )}
    </main>
  );
}
