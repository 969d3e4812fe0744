import { describe, expect, it } from 'vitest';
import type { ApiKey, Grant, SiteRole } from '../../store/types.ts';
import { ACTIONS, type Action } from './actions.ts';
import { evaluate } from './evaluate.ts';
import { deviceResource, siteResource } from './resources.ts';
import {
  ADMIN_STATEMENTS,
  ROLE_ACTIONS,
  statementsForDevice,
  statementsForGrant,
} from './roles.ts';
import { scopeToApiKey } from './scopeToApiKey.ts';

const NOW = 1_800_000_000_000;
const S = 'site1';
const FRONT = deviceResource(S, 'front');
const BACK = deviceResource(S, 'back');
const OTHER_SITE_DEVICE = deviceResource('site2', 'cam');

function grant(role: SiteRole, extra: Partial<Grant> = {}): Grant {
  return {
    id: 'g',
    accountId: 'a',
    siteId: S,
    role,
    deviceIds: null,
    validFrom: null,
    validUntil: null,
    createdBy: null,
    createdAt: 0,
    revokedAt: null,
    ...extra,
  };
}

const allowed = (g: Grant, action: Action, resource: string, now = NOW) =>
  evaluate(statementsForGrant(g), action, resource, now).allowed;

describe('role policies', () => {
  it.each(['owner', 'member', 'guest', 'installer'] as SiteRole[])(
    '%s: exactly its bundle on its own site, nothing elsewhere',
    (role) => {
      const g = grant(role);
      for (const action of ACTIONS) {
        const streamAllowed = ROLE_ACTIONS[role].stream.includes(action);
        const siteAllowed = ROLE_ACTIONS[role].site.includes(action);
        expect(allowed(g, action, FRONT), `${role} ${action} on device`).toBe(
          streamAllowed || siteAllowed,
        );
        expect(allowed(g, action, siteResource(S)), `${role} ${action} on site`).toBe(siteAllowed);
        expect(allowed(g, action, OTHER_SITE_DEVICE), `${role} ${action} on other site`).toBe(
          false,
        );
        expect(allowed(g, action, siteResource('site2'))).toBe(false);
      }
    },
  );

  it('a guest scoped to one camera sees only that camera', () => {
    const g = grant('guest', { deviceIds: ['front'] });
    expect(allowed(g, 'stream:view-live', FRONT)).toBe(true);
    expect(allowed(g, 'stream:view-live', BACK)).toBe(false);
    expect(allowed(g, 'stream:view-recording', FRONT)).toBe(false);
    expect(allowed(g, 'site:read', siteResource(S))).toBe(true);
  });

  it('a time-windowed grant applies only inside [validFrom, validUntil)', () => {
    const g = grant('guest', { validFrom: NOW, validUntil: NOW + 1000 });
    expect(allowed(g, 'stream:view-live', FRONT, NOW - 1)).toBe(false);
    expect(allowed(g, 'stream:view-live', FRONT, NOW)).toBe(true);
    expect(allowed(g, 'stream:view-live', FRONT, NOW + 999)).toBe(true);
    expect(allowed(g, 'stream:view-live', FRONT, NOW + 1000)).toBe(false);
  });

  it('a revoked grant gives nothing', () => {
    expect(statementsForGrant(grant('owner', { revokedAt: 1 }))).toEqual([]);
  });

  it('an explicit deny beats an allow', () => {
    const st = [
      ...ADMIN_STATEMENTS,
      { effect: 'deny' as const, actions: ['stream:*'], resources: [FRONT] },
    ];
    expect(evaluate(st, 'stream:view-live', FRONT, NOW)).toEqual({
      allowed: false,
      reason: 'explicit-deny',
    });
    expect(evaluate(st, 'stream:view-live', BACK, NOW).allowed).toBe(true);
  });

  it('a device may publish only as itself', () => {
    const st = statementsForDevice(S, 'front');
    expect(evaluate(st, 'stream:publish', FRONT, NOW).allowed).toBe(true);
    expect(evaluate(st, 'stream:publish', BACK, NOW).allowed).toBe(false);
    expect(evaluate(st, 'stream:view-live', FRONT, NOW).allowed).toBe(false);
    expect(evaluate(st, 'site:read', siteResource(S), NOW).allowed).toBe(false);
  });

  it('resource ids with path tricks are refused', () => {
    expect(() => deviceResource(S, '../x')).toThrow(/invalid id/);
    expect(() => siteResource('a/b')).toThrow(/invalid id/);
    expect(() => siteResource('*')).toThrow(/invalid id/);
  });
});

describe('API key scoping', () => {
  const key = (scopes: string[], siteId: string | null): ApiKey => ({
    id: 'k',
    accountId: 'a',
    name: 'n',
    scopes,
    siteId,
    keyHash: 'h',
    createdAt: 0,
    lastUsedAt: null,
    revokedAt: null,
  });

  it('never exceeds the account', () => {
    const st = scopeToApiKey(
      statementsForGrant(grant('member')),
      key(['stream:view-live', 'member:manage'], null),
    );
    expect(evaluate(st, 'stream:view-live', FRONT, NOW).allowed).toBe(true);
    expect(evaluate(st, 'member:manage', siteResource(S), NOW).allowed).toBe(false);
    expect(evaluate(st, 'stream:talk', FRONT, NOW).allowed).toBe(false);
  });

  it('a site-bound key of an admin reaches only that site', () => {
    const st = scopeToApiKey(ADMIN_STATEMENTS, key(['stream:view-live'], 'site2'));
    expect(evaluate(st, 'stream:view-live', OTHER_SITE_DEVICE, NOW).allowed).toBe(true);
    expect(evaluate(st, 'stream:view-live', FRONT, NOW).allowed).toBe(false);
  });
});
