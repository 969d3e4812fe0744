import { useMemo } from 'react';
import type { PorchlightApi } from '@porchlight/sdk';
import { api, publicApi } from '../auth/services.ts';
import { useStore } from '../store/index.ts';

export interface RecordingContext {
  api: PorchlightApi;
  siteId: string;
}

/**
 * The REST client and site the recordings of the live view are read with: a person's session,
 * or the token of a `#token=` link (the site is then the one the server joined). Null for a camera
 * (it has no recordings to watch) and until the live connection has joined.
 */
export function useRecordingApi(): RecordingContext | null {
  const mode = useStore((s) => s.mode);
  const liveToken = useStore((s) => s.liveToken);
  const storeSiteId = useStore((s) => s.siteId);
  const client = useStore((s) => s.client);
  const role = useStore((s) => s.role);
  // The client's site is known once it has joined (role set).
  const siteId = storeSiteId ?? (role === 'viewer' ? (client?.siteId ?? null) : null);

  const linkApi = useMemo(() => {
    if (mode !== 'link' || liveToken === null) return null;
    const token = liveToken;
    return publicApi.withToken(typeof token === 'string' ? () => token : token);
  }, [mode, liveToken]);

  return useMemo(() => {
    if (!siteId) return null;
    if (mode === 'person') return { api, siteId };
    if (linkApi) return { api: linkApi, siteId };
    return null;
  }, [mode, siteId, linkApi]);
}
