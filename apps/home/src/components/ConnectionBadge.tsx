import { useStore } from '../store/index.ts';

/** The client state, verbatim (tests read this text). */
export function ConnectionBadge() {
  const state = useStore((s) => s.connectionState);
  return (
    <span data-testid="connection-state" className={`conn conn--${state}`} role="status">
      {state}
    </span>
  );
}
