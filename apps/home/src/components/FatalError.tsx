import { useEffect } from 'react';
import { forgetLinkToken } from '../auth/link-token.ts';
import { useStore } from '../store/index.ts';

/** The client closed for good: refused access, or the server stayed unreachable. */
export function FatalError({ error }: { error: { code: string; message: string } }) {
  const mode = useStore((s) => s.mode);
  const restart = useStore((s) => s.restartSession);
  const loadSites = useStore((s) => s.loadSites);
  const deniedLink =
    mode === 'link' && (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN');
  // A refused link token is useless on reload too: the next visit asks for a login instead.
  useEffect(() => {
    if (deniedLink) forgetLinkToken();
  }, [deniedLink]);

  if (deniedLink) {
    return (
      <section className="notice">
        <h1>This link is not valid</h1>
        <p>It may have expired. Ask for a new link, or log in.</p>
      </section>
    );
  }
  if (mode === 'person' && error.code === 'FORBIDDEN') {
    return (
      <section className="notice">
        <h1>No access to this site</h1>
        <p>Your access may have been revoked or limited in time. Ask the owner of the site.</p>
        <button type="button" className="btn" onClick={() => void loadSites()}>
          Check again
        </button>
      </section>
    );
  }
  return (
    <section className="notice">
      <h1>Cannot reach Porchlight</h1>
      <p>{error.message}</p>
      <button type="button" className="btn" onClick={restart}>
        Try again
      </button>
    </section>
  );
}
