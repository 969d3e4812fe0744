import { useEffect, useState, type FormEvent } from 'react';
import { formatTime } from '@porchlight/web-ui';
import { useStore } from '../store/index.ts';

export function SitesPage() {
  const sites = useStore((s) => s.sites);
  const loadSites = useStore((s) => s.loadSites);
  const loadAccounts = useStore((s) => s.loadAccounts);
  const go = useStore((s) => s.go);
  useEffect(() => {
    void loadSites();
    // For the owner picker of a new site.
    void loadAccounts();
  }, [loadSites, loadAccounts]);

  return (
    <section className="page">
      <h1>Sites</h1>
      <table className="table" data-testid="admin-sites">
        <thead>
          <tr>
            <th>Site</th>
            <th>Created</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {(sites ?? []).map((site) => (
            <tr key={site.id} data-testid="admin-site-row" data-site-id={site.id}>
              <td>
                <div>{site.name}</div>
                <div className="muted small">{site.id}</div>
              </td>
              <td>{formatTime(site.createdAt)}</td>
              <td className="row-actions">
                <button
                  type="button"
                  className="icon-btn"
                  data-testid="site-open"
                  onClick={() => go({ name: 'site', siteId: site.id })}
                >
                  Devices &amp; people
                </button>
                <button
                  type="button"
                  className="icon-btn"
                  data-testid="site-audit"
                  onClick={() => go({ name: 'audit', siteId: site.id })}
                >
                  Audit log
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <NewSiteForm />
    </section>
  );
}

function NewSiteForm() {
  const accounts = useStore((s) => s.accounts) ?? [];
  const createSite = useStore((s) => s.createSite);
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');

  const onSubmit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const ok = await createSite({ name: name.trim(), ...(owner ? { ownerAccountId: owner } : {}) });
    if (!ok) return;
    setName('');
    setOwner('');
  };

  return (
    <form className="form card" onSubmit={(event) => void onSubmit(event)}>
      <h2>New site</h2>
      <div className="form-row">
        <label className="field">
          <span>Name</span>
          <input
            required
            maxLength={100}
            data-testid="new-site-name"
            placeholder="e.g. Lake house"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </label>
        <label className="field">
          <span>Owner</span>
          <select
            data-testid="new-site-owner"
            value={owner}
            onChange={(event) => setOwner(event.target.value)}
          >
            <option value="">Nobody yet (add people later)</option>
            {accounts
              .filter((a) => !a.disabled)
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {a.displayName} ({a.email})
                </option>
              ))}
          </select>
        </label>
      </div>
      <button type="submit" className="btn" data-testid="new-site-submit">
        Create site
      </button>
    </form>
  );
}
