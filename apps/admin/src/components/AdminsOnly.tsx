import { useStore } from '../store/index.ts';

/** Logged in, but the admin API said 403. */
export function AdminsOnly() {
  const account = useStore((s) => s.account);
  const logout = useStore((s) => s.logout);
  return (
    <section className="panel narrow" data-testid="admins-only">
      <h1>Admins only</h1>
      <p>
        You are logged in as <strong>{account?.email}</strong>, which is not an administrator
        account. This dashboard manages every account and site of this Porchlight installation.
      </p>
      <p>
        To watch your cameras or manage your own site, use the <a href="/">home app</a>. To
        administer, log in with an admin account.
      </p>
      <button type="button" className="btn" onClick={() => void logout()}>
        Log in as someone else
      </button>
    </section>
  );
}
