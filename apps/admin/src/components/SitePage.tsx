import { useEffect } from 'react';
import { useStore } from '../store/index.ts';
import { SiteDevices } from './SiteDevices.tsx';
import { SiteOperations } from './SiteOperations.tsx';
import { SitePeople } from './SitePeople.tsx';

/** One site's devices and people: the owner's pages of the home app, for any site. */
export function SitePage({ siteId }: { siteId: string }) {
  const site = useStore((s) => s.sites?.find((x) => x.id === siteId));
  const loadSite = useStore((s) => s.loadSite);
  const go = useStore((s) => s.go);
  useEffect(() => {
    void loadSite(siteId);
  }, [siteId, loadSite]);

  return (
    <section className="page">
      <p>
        <button type="button" className="link-btn" onClick={() => go({ name: 'sites' })}>
          ← Sites
        </button>
      </p>
      <h1>{site?.name ?? 'Site'}</h1>
      <SiteDevices siteId={siteId} />
      <SitePeople siteId={siteId} />
      <SiteOperations siteId={siteId} />
      <p>
        <button type="button" className="icon-btn" onClick={() => go({ name: 'audit', siteId })}>
          Audit log of this site
        </button>
      </p>
    </section>
  );
}
