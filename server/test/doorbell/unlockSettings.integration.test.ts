/**
 * The unlock webhook as an owner sets it up: the server makes the HMAC key and shows it once, keeps
 * it sealed in the database (never in a door view or the audit), a test request arrives signed with
 * it, and a key stored in clear before sealing existed still signs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Door, UnlockConfigured, UnlockResult } from '@porchlight/protocol';
import { api } from '../../../tests/support/http.ts';
import { startLockReceiver, type LockReceiver } from '../../../tests/support/lockReceiver.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { createDoor } from './world.ts';

describe('unlock webhook settings', () => {
  let ts: TestServer;
  let owner: string;
  let member: string;
  let lock: LockReceiver;
  let lockUrl: string;
  let received: LockReceiver['received'];
  const signedWith = (key: string, r: LockReceiver['received'][number]): boolean =>
    lock.signedWith(key, r);

  beforeAll(async () => {
    ts = await startTestServer();
    owner = await ts.mint('viewer', { siteRole: 'owner', label: 'Olivia' });
    member = await ts.mint('viewer', { siteRole: 'member', label: 'Max' });
    lock = await startLockReceiver();
    lockUrl = lock.url;
    received = lock.received;
  });
  afterAll(async () => {
    lock?.close();
    await ts?.close();
  });

  it('a new webhook gets a server-made key, shown once and stored sealed', async () => {
    const door = await createDoor(ts, owner);
    const base = `/api/v1/sites/${ts.siteId}/doors/${door.id}`;
    const set = await api<UnlockConfigured>(ts.url, 'POST', `${base}/unlock`, {
      token: owner,
      body: { url: lockUrl },
    });
    expect(set.status).toBe(200);
    const secret = set.body.secret!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(set.body.door.unlock).toEqual({ configured: true, url: lockUrl });
    // Never read back: not in the door, not in the audit.
    const read = await api<Door>(ts.url, 'GET', base, { token: owner });
    expect(JSON.stringify(read.body)).not.toContain(secret);
    const audit = await api(ts.url, 'GET', `/api/v1/sites/${ts.siteId}/audit?limit=50`, {
      token: owner,
    });
    expect(JSON.stringify(audit.body)).toContain('door.unlock-configure');
    expect(JSON.stringify(audit.body)).not.toContain(secret);
    // At rest: sealed, not the key.
    const row = await ts.server.store.doors.get(door.id);
    expect(row!.unlockSecret).toMatch(/^sealed:v1:/);
    expect(row!.unlockSecret).not.toContain(secret);

    // The test button: a signed `event: "test"` the lock can verify with the key shown once.
    const tested = await api<UnlockResult>(ts.url, 'POST', `${base}/unlock/test`, {
      token: owner,
      body: {},
    });
    expect(tested.body).toEqual({ ok: true, status: 204, error: null });
    const r = received.at(-1)!;
    expect(signedWith(secret, r)).toBe(true);
    expect(JSON.parse(r.body)).toMatchObject({ event: 'test', doorId: door.id, callId: null });

    // Changing the URL keeps the key (secret null); rotating makes a new one.
    const kept = await api<UnlockConfigured>(ts.url, 'POST', `${base}/unlock`, {
      token: owner,
      body: { url: `${lockUrl}?v=2` },
    });
    expect(kept.body.secret).toBeNull();
    const rotated = await api<UnlockConfigured>(ts.url, 'POST', `${base}/unlock`, {
      token: owner,
      body: { url: lockUrl, rotateSecret: true },
    });
    expect(rotated.body.secret).not.toBe(secret);
    await api(ts.url, 'POST', `${base}/unlock/test`, { token: owner, body: {} });
    expect(signedWith(rotated.body.secret!, received.at(-1)!)).toBe(true);
    expect(signedWith(secret, received.at(-1)!)).toBe(false);
  });

  it('members may not set or test it; a door without a webhook cannot be tested', async () => {
    const door = await createDoor(ts, owner, 'Side door');
    const base = `/api/v1/sites/${ts.siteId}/doors/${door.id}`;
    const set = await api(ts.url, 'POST', `${base}/unlock`, {
      token: member,
      body: { url: lockUrl },
    });
    expect(set.status).toBe(403);
    const none = await api(ts.url, 'POST', `${base}/unlock/test`, { token: owner, body: {} });
    expect(none.status).toBe(409);
    const bad = await api(ts.url, 'POST', `${base}/unlock`, {
      token: owner,
      body: { url: 'ftp://lock.example/unlock' },
    });
    expect(bad.status).toBe(400);
  });

  it('a key stored in clear (before sealing) still signs, and the next write seals it', async () => {
    const door = await createDoor(ts, owner, 'Garage');
    const base = `/api/v1/sites/${ts.siteId}/doors/${door.id}`;
    await api(ts.url, 'GET', base, { token: owner });
    const legacy = 'a-legacy-clear-secret-0123456789';
    await ts.server.store.doors.update(door.id, { unlockUrl: lockUrl, unlockSecret: legacy });
    await api(ts.url, 'POST', `${base}/unlock/test`, { token: owner, body: {} });
    expect(signedWith(legacy, received.at(-1)!)).toBe(true);
    // Setting it through the API (the old write-only form) stores it sealed.
    await api(ts.url, 'PATCH', base, {
      token: owner,
      body: { unlock: { url: lockUrl, secret: legacy } },
    });
    const row = await ts.server.store.doors.get(door.id);
    expect(row!.unlockSecret).toMatch(/^sealed:v1:/);
    await api(ts.url, 'POST', `${base}/unlock/test`, { token: owner, body: {} });
    expect(signedWith(legacy, received.at(-1)!)).toBe(true);
  });
});
