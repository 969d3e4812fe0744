import { useStore } from '../store/index.ts';

/** Loading the sites failed (offline, server down): offer to retry. */
export function SitesFailed() {
  const loadSites = useStore((s) => s.loadSites);
  return (
    <section className="notice">
      <h1>Cannot load your sites</h1>
      <button type="button" className="btn" onClick={() => void loadSites()}>
        Try again
      </button>
    </section>
  );
}

/** A person with no site yet: where one comes from. */
export function NoSites() {
  const isAdmin = useStore((s) => s.account?.isAdmin === true);
  return (
    <section className="notice">
      <h1>No sites yet</h1>
      <p>
        {isAdmin ? (
          <>
            Create a site in the <a href="/admin/">admin dashboard</a>.
          </>
        ) : (
          'Nobody has given you access to a site yet. Ask its owner to invite you.'
        )}
      </p>
    </section>
  );
}
