import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';

type Json = Record<string, unknown>;

/**
 * Issue 16, finding 4: a site owner cannot look up other tenants' accounts by e-mail. Granting by
 * e-mail is for platform admins; owners invite, and the answer is the same for a known and an
 * unknown address. The invitee accepts (an e-mail-bound link admits only that person).
 */
describe('granting by e-mail reveals nothing about other accounts', () => {
  let ts: TestServer;
  let siteB: string;
  let ownerB: string;
  const password = 'a-long-password-1';
  const known = `victim-${randomUUID().slice(0, 8)}@example.com`;
  const unknown = `nobody-${randomUUID().slice(0, 8)}@example.com`;

  beforeAll(async () => {
    ts = await startTestServer();
    // The victim: an account of another tenant (site A), an admin even, to show nothing leaks.
    await ts.createPerson({ email: known, password, isAdmin: true, siteId: ts.siteId });
    siteB = randomUUID();
    ownerB = await ts.mint('viewer', { siteId: siteB, siteRole: 'owner' });
  });
  afterAll(async () => {
    await ts?.close();
  });

  const grant = (email: string) =>
    api<Json>(ts.url, 'POST', `/api/v1/sites/${siteB}/grants`, {
      token: ownerB,
      body: { email, role: 'member', devices: { all: true }, password },
    });
  const invite = (email: string) =>
    api<Json>(ts.url, 'POST', `/api/v1/sites/${siteB}/invitations`, {
      token: ownerB,
      body: { email, role: 'member', devices: { all: true } },
    });

  it('an owner granting by e-mail gets the same refusal for a known and an unknown address', async () => {
    const a = await grant(known);
    const b = await grant(unknown);
    expect(a.status).toBe(403);
    expect(b.status).toBe(a.status);
    expect(b.body).toEqual(a.body);
    expect(JSON.stringify(a.body)).not.toMatch(/isAdmin|accountId|victim/);
    // Nothing was created or granted behind the refusal.
    expect(await ts.server.store.accounts.getByEmail(unknown)).toBeNull();
    const victim = (await ts.server.store.accounts.getByEmail(known))!;
    const held = await ts.server.store.grants.listForAccount(victim.id);
    expect(held.some((g) => g.siteId === siteB)).toBe(false);
  });

  it('an invitation answers alike for both and admits only the invitee when accepted', async () => {
    const a = await invite(known);
    const b = await invite(unknown);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    const shape = (r: { body: Json }): unknown =>
      JSON.parse(JSON.stringify(r.body), (k, v: unknown) =>
        ['id', 'token', 'email', 'link', 'url', 'createdAt', 'expiresAt'].includes(k)
          ? typeof v
          : v,
      );
    expect(shape(b)).toEqual(shape(a));
    expect(JSON.stringify(a.body)).not.toMatch(/isAdmin|accountId/);
    const token = (a.body['token'] ??
      (a.body['invitation'] as Json | undefined)?.['token']) as string;
    expect(typeof token).toBe('string');

    // Somebody else holding the forwarded link cannot use it.
    const other = `other-${randomUUID().slice(0, 8)}@example.com`;
    await ts.createPerson({ email: other, password });
    const otherLogin = await api<Json>(ts.url, 'POST', '/api/v1/auth/login', {
      body: { email: other, password },
    });
    const refused = await api<Json>(ts.url, 'POST', '/api/v1/invitations/accept-as-me', {
      token: otherLogin.body['accessToken'] as string,
      body: { token },
    });
    expect(refused.status).toBe(403);

    // The invitee accepts, and only then has access.
    const login = await api<Json>(ts.url, 'POST', '/api/v1/auth/login', {
      body: { email: known, password },
    });
    const accepted = await api<Json>(ts.url, 'POST', '/api/v1/invitations/accept-as-me', {
      token: login.body['accessToken'] as string,
      body: { token },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect(accepted.body['siteId']).toBe(siteB);
  });

  it('a platform admin still grants by e-mail', async () => {
    const admin = `admin-${randomUUID().slice(0, 8)}@example.com`;
    await ts.createPerson({ email: admin, password, isAdmin: true });
    const login = await api<Json>(ts.url, 'POST', '/api/v1/auth/login', {
      body: { email: admin, password },
    });
    const r = await api<Json>(ts.url, 'POST', `/api/v1/sites/${siteB}/grants`, {
      token: login.body['accessToken'] as string,
      body: { email: unknown, role: 'member', devices: { all: true }, password },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  });
});
