import type { ApiKey } from '../../store/types.ts';
import { actionMatches, isAction } from './actions.ts';
import { resourceMatches, siteResource } from './resources.ts';
import type { Statement } from './roles.ts';

/**
 * An API key can never do more than its account: keep only the key's scoped actions, and when
 * the key is bound to a site, only resources inside that site.
 */
export function scopeToApiKey(statements: readonly Statement[], key: ApiKey): Statement[] {
  const out: Statement[] = [];
  const site = key.siteId === null ? null : siteResource(key.siteId);
  for (const s of statements) {
    const actions = key.scopes.filter(
      (scope) => isAction(scope) && s.actions.some((a) => actionMatches(a, scope)),
    );
    let resources = s.resources;
    if (site !== null) {
      const inside = [site, `${site}/*`];
      // Narrow each pattern to the key's site: a broader pattern becomes the site itself.
      resources = [
        ...new Set(
          s.resources.flatMap((r) =>
            resourceMatches(r, site) ? inside : r.startsWith(`${site}/`) || r === site ? [r] : [],
          ),
        ),
      ];
    }
    if (s.effect === 'deny') out.push(s);
    else if (actions.length > 0 && resources.length > 0) out.push({ ...s, actions, resources });
  }
  return out;
}
