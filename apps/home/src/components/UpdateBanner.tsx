import { useUpdate } from '../sw-register.ts';

/** Non-blocking: a new version of the app is ready; "Reload" switches to it. */
export function UpdateBanner() {
  const waiting = useUpdate((s) => s.waiting);
  const apply = useUpdate((s) => s.apply);
  if (!waiting) return null;
  return (
    <div className="banner" role="status" data-testid="update-banner">
      <span>A new version is available</span>
      <button type="button" className="link-btn" onClick={() => void apply()}>
        Reload
      </button>
    </div>
  );
}
