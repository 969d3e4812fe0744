/**
 * Doorbell calls end to end against a real server: a visitor rings through a door link, every
 * homeowner socket rings, the first answer wins and the others are told at once, declines, hang-ups
 * from both sides, quick replies, unlock, snapshots, door tokens, DND and the history.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallPage, CallView, Door as DoorView } from '@porchlight/protocol';
import { api } from '../../../tests/support/http.ts';
import { startLockReceiver } from '../../../tests/support/lockReceiver.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { createDoor, listen, ring, TINY_JPEG, type Listener } from './world.ts';

describe('doorbell calls', () => {
  let ts: TestServer;
  let owner: { token: string; id: string };
  let member: { token: string; id: string };
  let guest: { token: string; id: string };
  const open: Listener[] = [];

  async function homeowners(): Promise<{ o: Listener; m: Listener }> {
    const o = await listen(ts, owner.token);
    const m = await listen(ts, member.token);
    open.push(o, m);
    return { o, m };
  }

  beforeAll(async () => {
    ts = await startTestServer({ doorbell: { ringsPerAddress: 1000, ringsPerDoor: 1000 } });
    owner = await ts.mintWithId('viewer', { siteRole: 'owner', label: 'Olivia' });
    member = await ts.mintWithId('viewer', { siteRole: 'member', label: 'Max' });
    guest = await ts.mintWithId('viewer', { siteRole: 'guest', label: 'Gus' });
  });
  afterAll(async () => {
    for (const l of open) l.close();
    await ts?.close();
  });

  it('rings every homeowner socket; the first answer wins and the other is told within 1 s', async () => {
    const door = await createDoor(ts, owner.token);
    const { o, m } = await homeowners();
    const g = await listen(ts, guest.token);
    open.push(g);

    const rung = await ring(ts, door.doorToken);
    expect(rung.status).toBe(201);
    const callId = rung.body.call.callId;
    expect(rung.body.call.doorName).toBe('Front door');
    expect(rung.body.call.state).toBe('ringing');

    const [ro, rm] = await Promise.all([
      o.next('callRinging', (p) => p.call.callId === callId),
      m.next('callRinging', (p) => p.call.callId === callId),
    ]);
    expect(ro.payload.call).toMatchObject({ doorId: door.id, doorName: 'Front door', via: 'link' });
    expect(rm.payload.call.ringWindowMs).toBe(30_000);
    // A guest may not answer doors, so its app does not ring.
    await expect(g.next('callRinging', undefined, 300)).rejects.toThrow(/no callRinging/);

    // The visitor's side joins the call room with its visitor credential.
    const visitor = await listen(ts, rung.body.credential, { callId });
    open.push(visitor);

    const before = performance.now();
    const answered = await api<CallView>(ts.url, 'POST', `/api/v1/calls/${callId}/answer`, {
      token: member.token,
      body: { deviceLabel: 'Pixel 8' },
    });
    expect(answered.status).toBe(200);
    expect(answered.body.answeredBy).toMatchObject({ name: 'Max', deviceLabel: 'Pixel 8' });
    const told = await o.next(
      'callUpdated',
      (p) => p.call.callId === callId && p.call.state === 'answered',
    );
    const delayMs = told.at - before;
    expect(told.payload.call.answeredBy).toMatchObject({ name: 'Max', deviceLabel: 'Pixel 8' });
    expect(delayMs).toBeLessThan(1000);
    const v = await visitor.next('callAnswered', (p) => p.callId === callId);
    expect(v.payload.answeredBy.name).toBe('Max');

    // A second answer (another device, the owner) is refused.
    const late = await api(ts.url, 'POST', `/api/v1/calls/${callId}/answer`, {
      token: owner.token,
      body: { deviceLabel: 'iPad' },
    });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ error: { code: 'CONFLICT', message: 'answered elsewhere' } });
    // A guest may not even look at it.
    const peek = await api(ts.url, 'GET', `/api/v1/calls/${callId}`, { token: guest.token });
    expect(peek.status).toBe(403);

    // The answerer hangs up: the visitor and the homeowners are told.
    const hung = await api<CallView>(ts.url, 'POST', `/api/v1/calls/${callId}/hangup`, {
      token: member.token,
      body: {},
    });
    expect(hung.body).toMatchObject({ state: 'ended', outcome: 'answered' });
    const ended = await visitor.next('callEnded', (p) => p.callId === callId);
    expect(ended.payload).toMatchObject({ outcome: 'answered', reason: 'hung up' });
    await o.next('callUpdated', (p) => p.call.callId === callId && p.call.state === 'ended');
    // The call room ended with the call: the visitor's socket is closed by the server.
    await until('visitor socket closed', () => !visitor.client.socket.connected);
    console.log(`[doorbell] answer -> other device told: ${delayMs.toFixed(1)} ms`);
  });

  it('a decline stops only that account; when everyone declined the call ends declined', async () => {
    const door = await createDoor(ts, owner.token, 'Back door');
    const { o, m } = await homeowners();
    const rung = await ring(ts, door.doorToken);
    const callId = rung.body.call.callId;
    await Promise.all([
      o.next('callRinging', (p) => p.call.callId === callId),
      m.next('callRinging', (p) => p.call.callId === callId),
    ]);
    const d1 = await api<CallView>(ts.url, 'POST', `/api/v1/calls/${callId}/decline`, {
      token: owner.token,
      body: {},
    });
    expect(d1.status).toBe(200);
    expect(d1.body.state).toBe('ringing');
    await o.next(
      'callUpdated',
      (p) => p.call.callId === callId && p.declinedBy?.accountId === owner.id,
    );
    // The member still rings and can answer.
    const live = await api<CallView[]>(ts.url, 'GET', '/api/v1/calls', { token: member.token });
    expect(live.body.map((c) => c.callId)).toContain(callId);
    expect(m.events.some((e) => e.name === 'callUpdated')).toBe(false);
    const d2 = await api<CallView>(ts.url, 'POST', `/api/v1/calls/${callId}/decline`, {
      token: member.token,
      body: {},
    });
    expect(d2.body).toMatchObject({ state: 'ended', outcome: 'declined' });
    await m.next('callUpdated', (p) => p.call.callId === callId && p.call.outcome === 'declined');
  });

  it('the visitor hangs up: a ringing call is cancelled, an answered one ends for the answerer', async () => {
    const door = await createDoor(ts, owner.token, 'Side gate');
    const { o } = await homeowners();
    const first = await ring(ts, door.doorToken);
    await o.next('callRinging', (p) => p.call.callId === first.body.call.callId);
    const left = await api(ts.url, 'POST', '/api/v1/visit/call/hangup', {
      token: first.body.credential,
      body: {},
    });
    expect(left.body).toMatchObject({ state: 'ended', outcome: 'cancelled' });
    await o.next(
      'callUpdated',
      (p) => p.call.callId === first.body.call.callId && p.call.outcome === 'cancelled',
    );

    const second = await ring(ts, door.doorToken);
    const callId = second.body.call.callId;
    await api(ts.url, 'POST', `/api/v1/calls/${callId}/answer`, {
      token: owner.token,
      body: { deviceLabel: 'Laptop' },
    });
    await api(ts.url, 'POST', '/api/v1/visit/call/hangup', {
      token: second.body.credential,
      body: {},
    });
    const end = await o.next(
      'callUpdated',
      (p) => p.call.callId === callId && p.call.state === 'ended',
    );
    expect(end.payload.call.outcome).toBe('answered');
    // After the end the credential still reads its call, but cannot act any more.
    const after = await api(ts.url, 'GET', '/api/v1/visit/call', { token: second.body.credential });
    expect(after.body).toMatchObject({
      state: 'ended',
      outcome: 'answered',
      answeredByName: 'Olivia',
    });
    const again = await api(ts.url, 'POST', '/api/v1/visit/call/snapshot', {
      token: second.body.credential,
      body: { jpeg: TINY_JPEG.toString('base64') },
    });
    expect(again.status).toBe(409);

    // The history lists both, newest first, with paging.
    const page1 = await api<CallPage>(
      ts.url,
      'GET',
      `/api/v1/sites/${ts.siteId}/doors/${door.id}/calls?limit=1`,
      {
        token: member.token,
      },
    );
    expect(page1.body.calls).toHaveLength(1);
    expect(page1.body.calls[0]).toMatchObject({ callId, outcome: 'answered', via: 'link' });
    expect(page1.body.calls[0]!.answeredBy).toMatchObject({
      name: 'Olivia',
      deviceLabel: 'Laptop',
    });
    const page2 = await api<CallPage>(
      ts.url,
      'GET',
      `/api/v1/sites/${ts.siteId}/doors/${door.id}/calls?limit=1&before=${page1.body.nextBefore}`,
      { token: member.token },
    );
    expect(page2.body.calls[0]).toMatchObject({
      callId: first.body.call.callId,
      outcome: 'cancelled',
    });
    expect(page2.body.nextBefore).toBeNull();
  });

  it('quick replies reach the visitor; unlock posts an HMAC-signed request to the webhook', async () => {
    const door = await createDoor(ts, owner.token, 'Garden');
    const lock = await startLockReceiver('/open');
    const { received } = lock;
    try {
      const secret = 'lock-secret-0123456789';
      const { url } = lock;
      const upd = await api<DoorView>(
        ts.url,
        'PATCH',
        `/api/v1/sites/${ts.siteId}/doors/${door.id}`,
        {
          token: owner.token,
          body: { unlock: { url, secret }, quickReplies: ['Coming!'] },
        },
      );
      expect(upd.status).toBe(200);
      expect(upd.body.unlock).toEqual({ configured: true, url });
      expect(JSON.stringify(upd.body)).not.toContain(secret);
      // A member may not change door settings.
      const denied = await api(ts.url, 'PATCH', `/api/v1/sites/${ts.siteId}/doors/${door.id}`, {
        token: member.token,
        body: { displayName: 'Nope' },
      });
      expect(denied.status).toBe(403);

      const rung = await ring(ts, door.doorToken);
      const callId = rung.body.call.callId;
      const visitor = await listen(ts, rung.body.credential, { callId });
      open.push(visitor);
      const view = await api<CallView>(ts.url, 'GET', `/api/v1/calls/${callId}`, {
        token: member.token,
      });
      expect(view.body).toMatchObject({ quickReplies: ['Coming!'], canUnlock: true });
      // Unlock needs the answerer of an answered call.
      const early = await api(ts.url, 'POST', `/api/v1/calls/${callId}/unlock`, {
        token: owner.token,
        body: {},
      });
      expect(early.status).toBe(409);
      await api(ts.url, 'POST', `/api/v1/calls/${callId}/answer`, {
        token: owner.token,
        body: { deviceLabel: 'Phone' },
      });
      const reply = await api(ts.url, 'POST', `/api/v1/calls/${callId}/quick-reply`, {
        token: owner.token,
        body: { text: 'Coming!' },
      });
      expect(reply.status).toBe(200);
      const q = await visitor.next('quickReply', (p) => p.callId === callId);
      expect(q.payload.text).toBe('Coming!');
      const other = await api(ts.url, 'POST', `/api/v1/calls/${callId}/unlock`, {
        token: member.token,
        body: {},
      });
      expect(other.status).toBe(403);

      const unlocked = await api(ts.url, 'POST', `/api/v1/calls/${callId}/unlock`, {
        token: owner.token,
        body: {},
      });
      expect(unlocked.body).toEqual({ ok: true, status: 204, error: null });
      expect(received).toHaveLength(1);
      const r = received[0]!;
      const ts1 = String(r.headers['x-porchlight-timestamp']);
      const expected = createHmac('sha256', secret).update(`${ts1}.${r.body}`).digest('hex');
      expect(r.headers['x-porchlight-signature']).toBe(`sha256=${expected}`);
      expect(JSON.parse(r.body)).toMatchObject({
        event: 'unlock',
        doorId: door.id,
        callId,
        by: { accountId: owner.id },
      });
      const audit = await ts.server.store.audit.query({ siteId: ts.siteId, limit: 50 });
      expect(audit.some((e) => e.action === 'door.unlock' && e.outcome === 'success')).toBe(true);
      await api(ts.url, 'POST', `/api/v1/calls/${callId}/hangup`, { token: owner.token, body: {} });
    } finally {
      lock.close();
    }
  });

  it('snapshots: JPEG only, size-capped, encrypted at rest, served by signed URL', async () => {
    const door = await createDoor(ts, owner.token, 'Porch');
    const { m } = await homeowners();
    const rung = await ring(ts, door.doorToken);
    const callId = rung.body.call.callId;
    const cred = rung.body.credential;
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const notJpeg = await api(ts.url, 'POST', '/api/v1/visit/call/snapshot', {
      token: cred,
      body: { jpeg: png.toString('base64') },
    });
    expect(notJpeg.status).toBe(400);
    expect(notJpeg.body).toMatchObject({ error: { message: 'snapshot is not a JPEG' } });
    const huge = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff]),
      Buffer.alloc(205 * 1024),
      Buffer.from([0xff, 0xd9]),
    ]);
    const tooBig = await api(ts.url, 'POST', '/api/v1/visit/call/snapshot', {
      token: cred,
      body: { jpeg: huge.toString('base64') },
    });
    expect(tooBig.status).toBe(400);

    const ok = await api<{ snapshotUrl: string }>(ts.url, 'POST', '/api/v1/visit/call/snapshot', {
      token: cred,
      body: { jpeg: TINY_JPEG.toString('base64') },
    });
    expect(ok.status).toBe(201);
    const upd = await m.next(
      'callUpdated',
      (p) => p.call.callId === callId && p.call.snapshotUrl !== null,
    );
    const img = await fetch(upd.payload.call.snapshotUrl!.replace(/^https:\/\/[^/]+/, ts.url));
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await img.arrayBuffer()).equals(TINY_JPEG)).toBe(true);
    // At rest: not the JPEG, owner-only file mode.
    const file = path.join(ts.server.config.dataDir, 'doorbell', 'snapshots', `${callId}.jpg.enc`);
    const stored = fs.readFileSync(file);
    expect(stored.includes(TINY_JPEG.subarray(0, 16))).toBe(false);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // A tampered URL is not found.
    const bad = await fetch(`${ts.url}${new URL(ok.body.snapshotUrl).pathname.slice(0, -2)}xx`);
    expect(bad.status).toBe(404);
    await api(ts.url, 'POST', '/api/v1/visit/call/hangup', { token: cred, body: {} });
  });

  it('revoked and rotated door tokens stop at once; the link and QR data come back from the list', async () => {
    const door = await createDoor(ts, owner.token, 'Shed');
    const base = `/api/v1/sites/${ts.siteId}/doors/${door.id}/tokens`;
    const list = await api<{ id: string; url: string; token: string }[]>(ts.url, 'GET', base, {
      token: owner.token,
    });
    expect(list.body).toHaveLength(1);
    expect(list.body[0]!.url).toBe(`${ts.server.url}/door/${list.body[0]!.token}`);
    const info = await api(ts.url, 'POST', '/api/v1/visit/door', {
      body: { doorToken: door.doorToken },
    });
    expect(info.body).toMatchObject({ doorName: 'Shed', available: true, ringWindowSeconds: 30 });

    const second = await api<{ id: string; token: string }>(ts.url, 'POST', base, {
      token: owner.token,
      body: {},
    });
    const revoked = await api(ts.url, 'DELETE', `${base}/${door.tokenId}`, { token: owner.token });
    expect(revoked.status).toBe(204);
    const refused = await ring(ts, door.doorToken);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { message: 'door link revoked' } });
    // The other token still works until a rotation.
    const stillOk = await api(ts.url, 'POST', '/api/v1/visit/door', {
      body: { doorToken: second.body.token },
    });
    expect(stillOk.status).toBe(200);
    const rotated = await api<{ token: string }>(ts.url, 'POST', `${base}/rotate`, {
      token: owner.token,
      body: {},
    });
    expect(rotated.status).toBe(201);
    expect((await ring(ts, second.body.token)).status).toBe(401);
    const fresh = await ring(ts, rotated.body.token);
    expect(fresh.status).toBe(201);
    await api(ts.url, 'POST', '/api/v1/visit/call/hangup', {
      token: fresh.body.credential,
      body: {},
    });
    // A forged or mangled token is refused like any bad secret.
    const forged = await ring(ts, rotated.body.token.slice(0, -4) + 'AAAA');
    expect(forged.status).toBe(401);
  });

  it('do not disturb refuses rings, by switch and by schedule', async () => {
    const door = await createDoor(ts, owner.token, 'Studio');
    const path_ = `/api/v1/sites/${ts.siteId}/doors/${door.id}`;
    await api(ts.url, 'PATCH', path_, {
      token: owner.token,
      body: { dnd: { enabled: true, schedule: [], timeZone: 'Europe/Berlin' } },
    });
    const info = await api(ts.url, 'POST', '/api/v1/visit/door', {
      body: { doorToken: door.doorToken },
    });
    expect(info.body).toMatchObject({ available: false });
    const refused = await ring(ts, door.doorToken);
    expect(refused.status).toBe(409);
    expect(refused.body.error?.message).toMatch(/does not take calls/);
    // A schedule covering the whole of every day (start = end).
    await api(ts.url, 'PATCH', path_, {
      token: owner.token,
      body: {
        dnd: {
          enabled: false,
          schedule: [{ days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '00:00' }],
          timeZone: 'UTC',
        },
      },
    });
    expect((await ring(ts, door.doorToken)).status).toBe(409);
    const badZone = await api(ts.url, 'PATCH', path_, {
      token: owner.token,
      body: { dnd: { enabled: false, schedule: [], timeZone: 'Mars/Olympus' } },
    });
    expect(badZone.status).toBe(400);
    await api(ts.url, 'PATCH', path_, {
      token: owner.token,
      body: { dnd: { enabled: false, schedule: [], timeZone: 'UTC' } },
    });
    const rung = await ring(ts, door.doorToken);
    expect(rung.status).toBe(201);
    await api(ts.url, 'POST', '/api/v1/visit/call/hangup', {
      token: rung.body.credential,
      body: {},
    });
  });

  it('of two answers at the same moment exactly one wins', async () => {
    const door = await createDoor(ts, owner.token, 'Race');
    const rung = await ring(ts, door.doorToken);
    const callId = rung.body.call.callId;
    const results = await Promise.all(
      [owner.token, member.token, owner.token, member.token].map((token, i) =>
        api(ts.url, 'POST', `/api/v1/calls/${callId}/answer`, {
          token,
          body: { deviceLabel: `Device ${i}` },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    await api(ts.url, 'POST', '/api/v1/visit/call/hangup', {
      token: rung.body.credential,
      body: {},
    });
  });

  it('removing the doorbell ends its live call', async () => {
    const door = await createDoor(ts, owner.token, 'Temporary');
    const { o } = await homeowners();
    const rung = await ring(ts, door.doorToken);
    const callId = rung.body.call.callId;
    await o.next('callRinging', (p) => p.call.callId === callId);
    const removed = await api(ts.url, 'DELETE', `/api/v1/sites/${ts.siteId}/devices/${door.id}`, {
      token: owner.token,
    });
    expect(removed.status).toBe(204);
    const end = await o.next(
      'callUpdated',
      (p) => p.call.callId === callId && p.call.state === 'ended',
    );
    expect(end.payload.call.outcome).toBe('cancelled');
    expect((await ring(ts, door.doorToken)).status).toBe(401);
  });

  it('the doorbell device rings its own door (and no other)', async () => {
    const door = await createDoor(ts, owner.token, 'Main entrance');
    const other = await createDoor(ts, owner.token, 'Cellar');
    const { o } = await homeowners();
    const own = await api<{ credential: string; call: { callId: string } }>(
      ts.url,
      'POST',
      `/api/v1/sites/${ts.siteId}/doors/${door.id}/ring`,
      { token: door.deviceToken, body: {} },
    );
    expect(own.status).toBe(201);
    const r = await o.next('callRinging', (p) => p.call.callId === own.body.call.callId);
    expect(r.payload.call.via).toBe('doorbell');
    const notMine = await api(ts.url, 'POST', `/api/v1/sites/${ts.siteId}/doors/${other.id}/ring`, {
      token: door.deviceToken,
      body: {},
    });
    expect(notMine.status).toBe(403);
    await api(ts.url, 'POST', '/api/v1/visit/call/hangup', {
      token: own.body.credential,
      body: {},
    });
  });
});

describe('doorbell ring limits', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer({
      doorbell: { ringsPerDoor: 2, ringsPerAddress: 3, ringLimitWindowSeconds: 60 },
    });
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('answers 429 with Retry-After and a clear message, per door and per address', async () => {
    const owner = await ts.mint('viewer', { siteRole: 'owner' });
    const a = await createDoor(ts, owner, 'A');
    const b = await createDoor(ts, owner, 'B');
    for (let i = 0; i < 2; i++) expect((await ring(ts, a.doorToken)).status).toBe(201);
    const perDoor = await ring(ts, a.doorToken);
    expect(perDoor.status).toBe(429);
    expect(Number(perDoor.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(perDoor.body.error?.message).toMatch(/^This door was just rung\. Please wait \d+ s\.$/);
    // Another door: the address has one ring left (3 per window), then it waits too.
    expect((await ring(ts, b.doorToken)).status).toBe(201);
    const perAddress = await ring(ts, b.doorToken);
    expect(perAddress.status).toBe(429);
    expect(perAddress.body.error?.message).toMatch(/^Please wait \d+ s before ringing again\.$/);
  });
});

async function until(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
