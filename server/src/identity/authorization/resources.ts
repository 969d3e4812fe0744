/**
 * Resource paths: `site/<siteId>` and `site/<siteId>/device/<deviceId>`. Patterns may end in `/*`
 * (anything below) or be `*` (everything). Ids never contain '/', so a path is unambiguous.
 */
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
  if (!ID.test(id)) throw new TypeError(`invalid resource id "${id.slice(0, 80)}"`);
  return id;
}
