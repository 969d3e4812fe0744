import { useStore } from '../store/index.ts';

/** Non-fatal problems (a failed re-publish, a refused microphone), dismissible. */
export function ErrorBanner() {
  const error = useStore((s) => s.error);
  const micError = useStore((s) => s.micError);
  const clear = (): void => {
    useStore.getState().setError(null);
    useStore.getState().setMicError(null);
  };
  const message = micError ?? error?.message;
  if (!message) return null;
  return (
    <div className="banner" role="alert">
      <span>{message}</span>
      <button type="button" className="link-btn" onClick={clear}>
        Dismiss
      </button>
    </div>
  );
}
