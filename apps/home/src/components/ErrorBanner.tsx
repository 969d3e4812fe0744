import { ErrorBanner as Banner } from '@porchlight/web-ui';
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
  return (
    <Banner
      message={banner ?? micError ?? (closed ? undefined : error?.message)}
      onDismiss={clear}
    />
  );
}
