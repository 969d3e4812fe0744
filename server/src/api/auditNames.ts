import type * as Wire from '@porchlight/protocol';
import type { z } from 'zod';
import type { AuditQuery } from '../store/repositories/AuditRepository.ts';
import type { AuditEvent } from '../store/types.ts';
import type { ApiContext } from './ApiContext.ts';

type NameRepos = Pick<ApiContext['repos'], 'accounts' | 'devices' | 'apiKeys' | 'sites'>;

/** Detail keys that hold ids a reader wants named. */
const ACCOUNT_KEYS = ['accountId', 'ownerAccountId'];
const DEVICE_KEYS = ['deviceId'];

/**
 * Names for the ids in a page of audit events, looked up once per distinct id: the actor, the
 * site and device of the resource, and the accounts and devices the details mention. Names are
 * today's (a renamed camera shows its new name); ids stay in the event for exactness.
 */
export async function withNames(
  repos: NameRepos,
  events: AuditEvent[],
): Promise<Wire.AuditEvent[]> {
  const cache = new Map<string, Promise<string | null>>();
  const once = (key: string, load: () => Promise<string | null>): Promise<string | null> => {
    let p = cache.get(key);
    if (!p) cache.set(key, (p = load().catch(() => null)));
    return p;
  };
  const account = (id: string) =>
    once(`a:${id}`, async () => (await repos.accounts.get(id))?.displayName ?? null);
  const device = (id: string) =>
    once(`d:${id}`, async () => (await repos.devices.get(id))?.name ?? null);
  const site = (id: string) =>
    once(`s:${id}`, async () => (await repos.sites.get(id))?.name ?? null);
  const apiKey = (id: string) =>
    once(`k:${id}`, async () => {
      const key = await repos.apiKeys.get(id);
      if (!key) return null;
      const owner = await account(key.accountId);
      return owner ? `${key.name} (key of ${owner})` : key.name;
    });

  const actorName = (e: AuditEvent): Promise<string | null> => {
    if (e.actorId === null) return Promise.resolve(null);
    if (e.actorType === 'account') return account(e.actorId);
    if (e.actorType === 'device') return device(e.actorId);
    if (e.actorType === 'apikey') return apiKey(e.actorId);
    return Promise.resolve(null);
  };

  const resourceName = async (resource: string | null): Promise<string | null> => {
    const m = resource ? /^site\/([^/]+)(?:\/device\/([^/]+))?/.exec(resource) : null;
    if (!m) return null;
    const siteName = (await site(m[1]!)) ?? 'removed site';
    if (!m[2]) return siteName;
    return `${siteName} › ${(await device(m[2])) ?? 'removed device'}`;
  };

  const detailNames = async (detail: Record<string, unknown>): Promise<Record<string, string>> => {
    const names: Record<string, string> = {};
    const add = async (value: unknown, lookup: (id: string) => Promise<string | null>) => {
      const ids = Array.isArray(value) ? value : [value];
      for (const id of ids) {
        if (typeof id !== 'string') continue;
        const name = await lookup(id);
        if (name !== null) names[id] = name;
      }
    };
    for (const k of ACCOUNT_KEYS) await add(detail[k], account);
    for (const k of DEVICE_KEYS) await add(detail[k], device);
    await add(detail['deviceIds'], device);
    return names;
  };

  return Promise.all(
    events.map(async (e) => ({
      ...e,
      actorName: await actorName(e),
      resourceName: await resourceName(e.resource),
      names: await detailNames(e.detail),
    })),
  );
}

/** A REST audit query (`AuditQuerySchema`, parsed) as the audit log's query, for one site or all. */
export function auditQuery(q: z.output<typeof Wire.AuditQuerySchema>, siteId?: string): AuditQuery {
  return {
    ...(siteId !== undefined ? { siteId } : {}),
    ...(q.action !== undefined ? { action: q.action } : {}),
    ...(q.actorId !== undefined ? { actorId: q.actorId } : {}),
    ...(q.outcome !== undefined ? { outcome: q.outcome } : {}),
    ...(q.since !== undefined ? { since: q.since } : {}),
    ...(q.until !== undefined ? { until: q.until } : {}),
    ...(q.before !== undefined ? { before: q.before } : {}),
    limit: q.limit ?? 100,
  };
}
