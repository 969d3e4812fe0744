import { useEffect, useState } from 'react';
import type { SiteRole } from '@porchlight/sdk';
import { siteRolesOf } from '../recording/roles.ts';
import type { RecordingContext } from './useRecordingApi.ts';

/**
 * What this person is on the site, from `/me`:
 * - loading: not known yet;
 * - known: the roles their grants give them now;
 * - unknown: `/me` failed; callers decide from what the API refuses instead.
 */
export type SiteAccess =
  | { status: 'loading' }
  | { status: 'known'; roles: SiteRole[]; isAdmin: boolean }
  | { status: 'unknown' };

export function useSiteRole(context: RecordingContext | null): SiteAccess {
  const [access, setAccess] = useState<SiteAccess>({ status: 'loading' });

  useEffect(() => {
    if (!context) return;
    let current = true;
    setAccess({ status: 'loading' });
    context.api.me().then(
      (me) => {
        if (!current) return;
        setAccess({
          status: 'known',
          roles: siteRolesOf(me, context.siteId),
          isAdmin: me.kind !== 'device' && me.account.isAdmin,
        });
      },
      () => {
        if (current) setAccess({ status: 'unknown' });
      },
    );
    return () => {
      current = false;
    };
  }, [context]);

  return access;
}
