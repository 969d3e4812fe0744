import { randomUUID } from 'node:crypto';
import { setLogLevel, setLogSink } from '@porchlight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Invitations } from '../../src/identity/invitations/Invitations.ts';
import { api } from '../../../tests/support/http.ts';
import { connectRaw } from '../../../tests/support/rawClient.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';

type Json = Record<string, unknown> & { error?: { code: string; message: string } };
const DAY = 24 * 3600 * 1000;

describe('invitations by single-use link', () => {
  let ts: TestServer;
  const logged: string[] = [];
  let siteId: string;
  let ownerToken: string;
  let ownerId: string;
  let front: string;
  let back: string;

  const login = async (email: string, password: string): Promise<string> => {
    const res = await api<Json>(ts.url, 'POST', '/api/v1/auth/login', {
      body: { email, password },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body['accessToken'] as string;
  };
  const invite = (body: Json, token = ownerToken, site = siteId) =>
    api<Json>(ts.url, 'POST', `/api/v1/sites/${site}/invitations`, { token, body });
  const tokenOf = (res: { body: Json }): string => res.body['token'] as string;

  beforeAll(async () => {
    ts = await startTestServer();
    // Every log line of the server, at the most verbose level, to prove no token reaches it.
    setLogLevel('debug');
    setLogSink({
      out: { write: (line: string) => logged.push(line) },
      err: { write: (line: string) => logged.push(line) },
    });
    siteId = randomUUID();
    await ts.ensureSite(siteId);
    await ts.server.store.sites.update(siteId, { name: 'Lake house' });
    ownerId = await ts.createPerson({
      email: 'olivia@example.com',
      password: 'owner password 1',
      siteId,
      siteRole: 'owner',
    });
    await ts.server.store.accounts.update(ownerId, { displayName: 'Olivia' });
    ownerToken = await login('olivia@example.com', 'owner password 1');
    front = (await ts.provisioningCode({ siteId, name: 'Front door' })).deviceId;
    back = (await ts.provisioningCode({ siteId, name: 'Back yard' })).deviceId;
  });
  afterAll(async () => {
    setLogSink(undefined);
    setLogLevel('warn');
    await ts?.close();
  });

  it('invite -> preview -> accept with a chosen password -> exactly the chosen cameras; a second use is refused', async () => {
    const created = await invite({
      email: 'walker@example.com',
      role: 'guest',
      devices: { ids: [front] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const token = tokenOf(created);
    expect(created.body['url']).toBe(`${ts.url}/invite#${token}`);
    const invitation = created.body['invitation'] as Json;
    expect(invitation['status']).toBe('pending');
    // Default lifetime: 7 days.
    expect((invitation['expiresAt'] as number) - (invitation['createdAt'] as number)).toBe(7 * DAY);
    // Stored hashed: the row holds no token.
    const row = await ts.server.store.invitations.get(invitation['id'] as string);
    expect(JSON.stringify(row)).not.toContain(token);

    const preview = await api<Json>(ts.url, 'POST', '/api/v1/invitations/preview', {
      body: { token },
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      siteName: 'Lake house',
      invitedBy: 'Olivia',
      role: 'guest',
      email: 'walker@example.com',
      deviceNames: ['Front door'],
    });

    const accepted = await api<Json>(ts.url, 'POST', '/api/v1/invitations/accept', {
      body: { token, displayName: 'Dog walker', password: 'walker chose this' },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect((accepted.body['account'] as Json)['email']).toBe('walker@example.com');
    // The chosen password works; the grant is exactly the chosen camera.
    const walker = await login('walker@example.com', 'walker chose this');
    const me = await api<{ grants: Json[] }>(ts.url, 'GET', '/api/v1/me', { token: walker });
    expect(me.body.grants).toHaveLength(1);
    expect(me.body.grants[0]).toMatchObject({ siteId, role: 'guest', deviceIds: [front] });
    // The socket agrees: the guest may view the front door, not the back yard.
    const sock = await connectRaw(ts.url, walker);
    const join = await sock.request<Json>('join', { siteId });
    expect(join.ok, JSON.stringify(join)).toBe(true);
    sock.close();

    const retries: [string, Json][] = [
      [
        '/api/v1/invitations/accept',
        { token, displayName: 'Someone', password: 'another password' },
      ],
      ['/api/v1/invitations/preview', { token }],
    ];
    for (const [path, body] of retries) {
      const again = await api<Json>(ts.url, 'POST', path, { body });
      expect(again.status, path).toBe(409);
      expect(again.body.error?.message).toBe('This invitation was already used.');
    }
    const list = await api<Json[]>(ts.url, 'GET', `/api/v1/sites/${siteId}/invitations`, {
      token: ownerToken,
    });
    expect(list.body.find((i) => i['id'] === invitation['id'])).toMatchObject({
      status: 'accepted',
      acceptedBy: (accepted.body['account'] as Json)['id'],
    });
    // The token never reached a log line.
    expect(logged.join('\n')).not.toContain(token);
    expect(logged.length).toBeGreaterThan(0);
  });

  it('two people pressing Accept at once: exactly one gets the access', async () => {
    const token = tokenOf(
      await invite({ displayName: 'Race', role: 'member', devices: { all: true } }),
    );
    const results = await Promise.all(
      [1, 2].map((n) =>
        api(ts.url, 'POST', '/api/v1/invitations/accept', {
          body: {
            token,
            email: `racer${n}-${randomUUID()}@example.com`,
            displayName: `Racer ${n}`,
            password: 'racing password',
          },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it('an expired link says so and names who to ask (clock injected)', async () => {
    const { repos, passwords, login: loginService } = ts.server.identity;
    // The same service over the same store, with a clock 8 days back: its 7-day link is over.
    const past = new Invitations({
      repos,
      passwords,
      login: loginService,
      now: () => Date.now() - 8 * DAY,
    });
    const { token } = await past.create({
      siteId,
      createdBy: ownerId,
      email: null,
      displayName: 'Late',
      role: 'guest',
      deviceIds: null,
      validFrom: null,
      validUntil: null,
    });
    const tries: [string, Json][] = [
      ['/api/v1/invitations/preview', { token }],
      [
        '/api/v1/invitations/accept',
        { token, email: 'late@example.com', displayName: 'Late', password: 'late password' },
      ],
    ];
    for (const [path, body] of tries) {
      const res = await api<Json>(ts.url, 'POST', path, { body });
      expect(res.status).toBe(409);
      expect(res.body.error?.message).toBe('This invitation expired: ask Olivia for a new one.');
    }
    // One minute before the end it still works (the same clock, 7 days minus a minute later).
    const almost = new Invitations({
      repos,
      passwords,
      login: loginService,
      now: () => Date.now() - 7 * DAY + 60_000,
    });
    const fresh = await almost.create({
      siteId,
      createdBy: ownerId,
      email: null,
      displayName: 'Just in time',
      role: 'guest',
      deviceIds: null,
      validFrom: null,
      validUntil: null,
    });
    expect(
      (await api(ts.url, 'POST', '/api/v1/invitations/preview', { body: { token: fresh.token } }))
        .status,
    ).toBe(200);
  });

  it('lifetime is configurable up to 30 days; devices must be chosen explicitly', async () => {
    const long = await invite({
      displayName: 'Long',
      role: 'guest',
      devices: { all: true },
      ttlSeconds: 30 * 24 * 3600,
    });
    expect(long.status).toBe(201);
    const inv = long.body['invitation'] as Json;
    expect((inv['expiresAt'] as number) - (inv['createdAt'] as number)).toBe(30 * DAY);
    const cases: Json[] = [
      {
        displayName: 'Too long',
        role: 'guest',
        devices: { all: true },
        ttlSeconds: 31 * 24 * 3600,
      },
      { displayName: 'No choice', role: 'guest' },
      { displayName: 'Empty choice', role: 'guest', devices: { ids: [] } },
      { displayName: 'All false', role: 'guest', devices: { all: false } },
      { displayName: 'Unknown camera', role: 'guest', devices: { ids: ['nope'] } },
      { role: 'guest', devices: { all: true } },
    ];
    for (const body of cases) {
      const res = await invite(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    // The same explicit choice on the admin's direct grant route.
    await ts.createPerson({
      email: 'choice-admin@example.com',
      password: 'a long password',
      isAdmin: true,
    });
    const grant = await api(ts.url, 'POST', `/api/v1/sites/${siteId}/grants`, {
      token: await login('choice-admin@example.com', 'a long password'),
      body: { email: 'nochoice@example.com', role: 'guest', password: 'a long password' },
    });
    expect(grant.status).toBe(400);
  });

  it('only managers invite; a revoked link stops working at once', async () => {
    const member = await ts.mint('viewer', { siteId, siteRole: 'member' });
    const guest = await ts.mint('viewer', { siteId, siteRole: 'guest', deviceIds: [front] });
    for (const token of [member, guest]) {
      expect(
        (await invite({ displayName: 'x', role: 'guest', devices: { all: true } }, token)).status,
      ).toBe(403);
      expect(
        (await api(ts.url, 'GET', `/api/v1/sites/${siteId}/invitations`, { token })).status,
      ).toBe(403);
    }
    const created = await invite({
      displayName: 'Withdrawn',
      role: 'guest',
      devices: { ids: [back] },
    });
    const id = (created.body['invitation'] as Json)['id'] as string;
    const del = await api(ts.url, 'DELETE', `/api/v1/sites/${siteId}/invitations/${id}`, {
      token: ownerToken,
    });
    expect(del.status).toBe(204);
    const res = await api<Json>(ts.url, 'POST', '/api/v1/invitations/preview', {
      body: { token: tokenOf(created) },
    });
    expect(res.status).toBe(409);
    expect(res.body.error?.message).toBe(
      'This invitation was withdrawn: ask Olivia for a new one.',
    );
    // Revoking twice: nothing pending any more.
    expect(
      (
        await api(ts.url, 'DELETE', `/api/v1/sites/${siteId}/invitations/${id}`, {
          token: ownerToken,
        })
      ).status,
    ).toBe(404);
    const unknown = await api<Json>(ts.url, 'POST', '/api/v1/invitations/preview', {
      body: { token: 'x'.repeat(43) },
    });
    expect(unknown.status).toBe(404);
  });

  it('a person with an account accepts into it; their e-mail cannot be taken by a new account', async () => {
    const email = `kim-${randomUUID()}@example.com`;
    await ts.createPerson({ email, password: 'kim password 1' });
    const kim = await login(email, 'kim password 1');
    const forKim = tokenOf(await invite({ email, role: 'member', devices: { all: true } }));
    const asNew = await api<Json>(ts.url, 'POST', '/api/v1/invitations/accept', {
      body: { token: forKim, displayName: 'Impostor', password: 'impostor password' },
    });
    expect(asNew.status).toBe(409);
    expect(asNew.body.error?.message).toContain('log in to accept');
    const mine = await api<Json>(ts.url, 'POST', '/api/v1/invitations/accept-as-me', {
      token: kim,
      body: { token: forKim },
    });
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    expect(mine.body).toMatchObject({ siteId, role: 'member', deviceIds: null });
    // A second invitation to a site Kim already has access to is refused, and stays usable.
    const second = tokenOf(
      await invite({ displayName: 'Kim again', role: 'owner', devices: { all: true } }),
    );
    const dup = await api<Json>(ts.url, 'POST', '/api/v1/invitations/accept-as-me', {
      token: kim,
      body: { token: second },
    });
    expect(dup.status).toBe(409);
    expect(
      (await api(ts.url, 'POST', '/api/v1/invitations/preview', { body: { token: second } }))
        .status,
    ).toBe(200);
  });

  it('the last owner of a site cannot be revoked (409); with a second owner it can', async () => {
    const site = randomUUID();
    await ts.ensureSite(site);
    const soleId = await ts.createPerson({
      email: `sole-${randomUUID()}@example.com`,
      password: 'sole owner pass',
      siteId: site,
      siteRole: 'owner',
    });
    const sole = (await ts.server.store.accounts.get(soleId))!;
    const token = await login(sole.email, 'sole owner pass');
    const own = (await ts.server.store.grants.listForAccount(soleId))[0]!;
    const res = await api<Json>(ts.url, 'DELETE', `/api/v1/sites/${site}/grants/${own.id}`, {
      token,
    });
    expect(res.status).toBe(409);
    expect(res.body.error?.message).toMatch(/last owner/);
    expect((await ts.server.store.grants.get(own.id))!.revokedAt).toBeNull();
    // An owner whose grant has run out does not count as a second owner.
    const expiredOwner = await ts.createPerson({
      email: `gone-${randomUUID()}@example.com`,
      password: 'gone owner pass',
    });
    await ts.server.store.grants.create({
      id: randomUUID(),
      accountId: expiredOwner,
      siteId: site,
      role: 'owner',
      deviceIds: null,
      validFrom: null,
      validUntil: Date.now() - 1000,
      createdBy: soleId,
      createdAt: Date.now() - DAY,
      revokedAt: null,
    });
    expect(
      (await api(ts.url, 'DELETE', `/api/v1/sites/${site}/grants/${own.id}`, { token })).status,
    ).toBe(409);
    // A second owner through an invitation: now the first may leave.
    const link = tokenOf(
      await invite({ displayName: 'Co-owner', role: 'owner', devices: { all: true } }, token, site),
    );
    const co = await api(ts.url, 'POST', '/api/v1/invitations/accept', {
      body: {
        token: link,
        email: `co-${randomUUID()}@example.com`,
        displayName: 'Co-owner',
        password: 'co owner password',
      },
    });
    expect(co.status).toBe(201);
    expect(
      (await api(ts.url, 'DELETE', `/api/v1/sites/${site}/grants/${own.id}`, { token })).status,
    ).toBe(204);
  });

  it('the audit log names actors and resources and filters by actor, action, outcome and time', async () => {
    const site = randomUUID();
    await ts.ensureSite(site);
    await ts.server.store.sites.update(site, { name: 'Audited' });
    const bossId = await ts.createPerson({
      email: `boss-${randomUUID()}@example.com`,
      password: 'boss password 1',
      siteId: site,
      siteRole: 'owner',
    });
    await ts.server.store.accounts.update(bossId, { displayName: 'Boss' });
    const boss = await login(
      (await ts.server.store.accounts.get(bossId))!.email,
      'boss password 1',
    );
    const cam = (await ts.provisioningCode({ siteId: site, name: 'Garage' })).deviceId;
    const t0 = Date.now();
    const link = tokenOf(
      await invite({ displayName: 'Helper', role: 'guest', devices: { ids: [cam] } }, boss, site),
    );
    const accepted = await api<Json>(ts.url, 'POST', '/api/v1/invitations/accept', {
      body: {
        token: link,
        email: `helper-${randomUUID()}@example.com`,
        displayName: 'Helper',
        password: 'helper password',
      },
    });
    const helperId = (accepted.body['account'] as Json)['id'] as string;
    // A refused request by the helper (guest) is audited as denied.
    const rename = await api(ts.url, 'PATCH', `/api/v1/sites/${site}/devices/${cam}`, {
      token: accepted.body['accessToken'] as string,
      body: { name: 'Mine now' },
    });
    expect(rename.status).toBe(403);

    const audit = (query: string) =>
      api<Json[]>(ts.url, 'GET', `/api/v1/sites/${site}/audit?${query}`, { token: boss });
    const all = await audit('');
    expect(all.status).toBe(200);
    const create = all.body.find((e) => e['action'] === 'invitation.create')!;
    expect(create).toMatchObject({
      actorId: bossId,
      actorName: 'Boss',
      resourceName: 'Audited',
      names: { [cam]: 'Garage' },
    });
    const accept = all.body.find((e) => e['action'] === 'invitation.accept')!;
    expect(accept).toMatchObject({ actorName: 'Helper', names: { [helperId]: 'Helper' } });

    const byActor = await audit(`actorId=${helperId}`);
    expect(byActor.body.length).toBeGreaterThan(0);
    expect(byActor.body.every((e) => e['actorId'] === helperId)).toBe(true);
    const invitationsOnly = await audit('action=invitation.');
    expect(invitationsOnly.body.map((e) => e['action']).sort()).toEqual([
      'invitation.accept',
      'invitation.create',
    ]);
    expect((await audit('action=invitation.create')).body).toHaveLength(1);
    const denied = await audit('outcome=denied');
    expect(denied.body.length).toBeGreaterThan(0);
    expect(denied.body.every((e) => e['outcome'] === 'denied')).toBe(true);
    const before = await audit(`until=${t0 - 1}`);
    expect(before.body.some((e) => String(e['action']).startsWith('invitation.'))).toBe(false);
    const paged = await audit(`limit=1`);
    expect(paged.body).toHaveLength(1);
    const next = await audit(`limit=1&before=${paged.body[0]!['id'] as number}`);
    expect(next.body[0]!['id']).toBeLessThan(paged.body[0]!['id'] as number);
    // Bad filters are refused with a clear error, not ignored.
    for (const q of ['outcome=maybe', 'actorId=a/b', 'action=DROP%20TABLE', 'since=yesterday']) {
      expect((await audit(q)).status, q).toBe(400);
    }
  });
});
