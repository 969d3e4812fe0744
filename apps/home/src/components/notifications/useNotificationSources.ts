import { useEffect, useState } from 'react';
import type { Device } from '@porchlight/protocol';
import { api } from '../../auth/services.ts';
import { useStore } from '../../store/index.ts';

/** A door or camera a notification setting can name. */
export interface NotificationSource {
  siteId: string;
  siteName: string;
  device: Device;
}

/** Doors (doorbells) and cameras of every site I can see, doors first. */
export function useNotificationSources(): NotificationSource[] | null {
  const sites = useStore((s) => s.sites);
  const [sources, setSources] = useState<NotificationSource[] | null>(null);
  useEffect(() => {
    if (!sites) return;
    let cancelled = false;
    void Promise.all(
      sites.map(async (site) => {
        const devices = await api.listDevices(site.id).catch(() => [] as Device[]);
        return devices
          .filter((d) => !d.revoked)
          .map((device) => ({ siteId: site.id, siteName: site.name, device }));
      }),
    ).then((lists) => {
      if (cancelled) return;
      const rank = (s: NotificationSource): number => (s.device.kind === 'doorbell' ? 0 : 1);
      setSources(
        lists
          .flat()
          .sort((a, b) => rank(a) - rank(b) || a.device.name.localeCompare(b.device.name)),
      );
    });
    return () => {
      cancelled = true;
    };
  }, [sites]);
  return sources;
}
