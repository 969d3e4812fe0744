import { useStore } from '../store/index.ts';

/**
 * Non-fatal problems, dismissible: a refused action (login, invite…), a refused microphone, a
 * failed re-publish. Errors that closed the connection are shown by FatalError instead.
 */
export function ErrorBanner() {
  const banner = useStore((s) => s.banner);
  const error = useStore((s) => s.error);
  const micError = useStore((s) => s.micError);
  const closed = useStore((s) => s.connectionState === 'closed');
  const clear = (): void => {
    const s = useStore.getState();
    s.setBanner(null);
    s.setError(null);
    s.setMicError(null);
  };
  const message = banner ?? micError ?? (closed ? undefined : error?.message);
  if (!message) return null;
  return (
    <div className="banner" role="alert" data-testid="error-banner">
      <span>{message}</span>
      <button type="button" className="link-btn" onClick={clear}>
        Dismiss
      </button>
    </div>
  );
}
