import type { RouteOf } from '../../routing/routes.ts';
import { BackToLive } from './BackToLive.tsx';

/** Until the doorbell call screen is plugged into routing/screens.tsx. */
export function CallPlaceholder({ route }: { route: RouteOf<'call'> }) {
  return (
    <section className="notice" data-testid="call-screen" data-call-id={route.callId}>
      <h1>Doorbell call</h1>
      <p>This call is not available.</p>
      <BackToLive />
    </section>
  );
}

/** Until the visitor's door page is plugged into routing/screens.tsx. */
export function DoorPlaceholder() {
  return (
    <section className="notice" data-testid="door-screen">
      <h1>Doorbell</h1>
      <p>This door link is not available.</p>
    </section>
  );
}
