import { useEffect } from 'react';
import { forgetToken } from '../token.ts';
import { useStore } from '../store/index.ts';

const ACCESS_CODES = new Set(['UNAUTHORIZED', 'FORBIDDEN']);

/** The client closed for good: a bad link, or the server stayed unreachable. */
export function FatalError({ error }: { error: { code: string; message: string } }) {
  const restart = useStore((s) => s.restartSession);
  const denied = ACCESS_CODES.has(error.code);
  // A rejected token is useless on reload too: make the next visit ask for a fresh link.
  useEffect(() => {
    if (denied) forgetToken();
  }, [denied]);
  if (denied) {
    return (
      <section className="notice">
        <h1>This link is not valid</h1>
        <p>
          It may have expired. Open the link printed by <code>npm start</code> again.
        </p>
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
