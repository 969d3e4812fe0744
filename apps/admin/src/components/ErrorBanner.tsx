import { useStore } from '../store/index.ts';

export function ErrorBanner() {
  const banner = useStore((s) => s.banner);
  const setBanner = useStore((s) => s.setBanner);
  if (!banner) return null;
  return (
    <div className="banner" role="alert" data-testid="error-banner">
      <span>{banner}</span>
      <button type="button" className="link-btn" onClick={() => setBanner(null)}>
        Dismiss
      </button>
    </div>
  );
}
