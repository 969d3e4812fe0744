import { LIVE } from '../../routing/routes.ts';
import { useStore } from '../../store/index.ts';

/** A way back to the live grid from a screen without a header tab. */
export function BackToLive() {
  const navigate = useStore((s) => s.navigate);
  return (
    <button type="button" className="btn" data-testid="back-to-live" onClick={() => navigate(LIVE)}>
      Back to live
    </button>
  );
}
