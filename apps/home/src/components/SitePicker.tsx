import { useStore } from '../store/index.ts';

/** For people with access to several sites (their home, a parent's, the office). */
export function SitePicker() {
  const sites = useStore((s) => s.sites) ?? [];
  const selectSite = useStore((s) => s.selectSite);
  return (
    <section className="panel narrow" data-testid="site-picker">
      <h1>Choose a site</h1>
      <ul className="site-list">
        {sites.map((site) => (
          <li key={site.id}>
            <button
              type="button"
              className="site-option"
              data-testid="site-option"
              data-site-id={site.id}
              onClick={() => selectSite(site.id)}
            >
              {site.name}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
