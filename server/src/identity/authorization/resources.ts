/**
 * Resource paths: `site/<siteId>` and `site/<siteId>/device/<deviceId>`. Patterns may end in `/*`
 * (anything below) or be `*` (everything). Ids never contain '/', so a path is unambiguous.
 */
import { PorchlightError } from '../../errors.ts';

export type Resource = string;

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function siteResource(siteId: string): Resource {
  return `site/${checkId(siteId)}`;
}

export function deviceResource(siteId: string, deviceId: string): Resource {
  return `site/${checkId(siteId)}/device/${checkId(deviceId)}`;
}

/** The site a resource belongs to, or null for non-site resources. */
export function siteOf(resource: Resource): string | null {
  const m = /^site\/([^/]+)/.exec(resource);
  return m ? m[1]! : null;
}

export function resourceMatches(pattern: string, resource: Resource): boolean {
  if (pattern === '*' || pattern === resource) return true;
  return pattern.endsWith('/*') && resource.startsWith(pattern.slice(0, -1));
}

function checkId(id: string): string {
  // Callers validate ids at their entry points; one that slips through is still the client's input.
  if (!ID.test(id)) throw PorchlightError.badRequest('invalid id');
  return id;
}
