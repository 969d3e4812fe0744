/**
 * Web Push hardening against a real server: notification actions are rate-limited per address,
 * subscribing and unsubscribing is audited (without the capability URL), and an endpoint whose
 * name resolves to a private address is refused like a literal one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushDevice } from '@porchlight/protocol';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import {
  guardedLookup,
  isPrivateAddress,
  resolvesToPrivate,
} from '../../src/notify/endpointGuard.ts';

const SUBS = '/api/v1/notifications/subscriptions';
const KEYS = { p256dh: 'B'.padEnd(87, 'A'), auth: 'A'.repeat(22) };

/** A fake DNS: the names a test needs, nothing else resolves. */
const ZONE: Record<string, string> = {
  'push.public.test': '203.0.113.7',
  'push.rebound.test': '10.1.2.3',
  'push.v6.test': 'fd00::1',
};
const fakeLookup = async (host: string): Promise<{ address: string }[]> => {
  const address = ZONE[host];
  if (!address) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return [{ address }];
};

describe('push hardening', () => {
  let ts: TestServer;
  let alice: { token: string; id: string };

  beforeAll(async () => {
    ts = await startTestServer({}, { pushLookup: fakeLookup });
    alice = await ts.mintWithId('viewer', { label: 'Alice' });
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('notification actions: 30 per address and minute, then 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 31; i++) {
      last = await fetch(`${ts.url}/api/v1/notifications/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: `junk${i}.junk`, action: 'decline' }),
      });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await last!.json()).toMatchObject({
      error: { code: 'RATE_LIMITED', message: expect.stringMatching(/notification actions/) },
    });
  });

  it('an endpoint whose name resolves to a private address is refused; public ones pass', async () => {
    for (const host of ['push.rebound.test', 'push.v6.test']) {
      const res = await api(ts.url, 'POST', SUBS, {
        token: alice.token,
        body: { subscription: { endpoint: `https://${host}/send/x`, keys: KEYS } },
      });
      expect(res.status, host).toBe(400);
      expect(res.body).toMatchObject({
        error: { message: 'body.subscription.endpoint: not a push service address' },
      });
    }
    const ok = await api<PushDevice>(ts.url, 'POST', SUBS, {
      token: alice.token,
      body: { subscription: { endpoint: 'https://push.public.test/send/ok', keys: KEYS } },
    });
    expect(ok.status).toBe(201);
  });

  it('subscribing and unsubscribing are audited with the push service origin only', async () => {
    const endpoint = 'https://push.public.test/send/secret-capability-path';
    const sub = await api<PushDevice>(ts.url, 'POST', SUBS, {
      token: alice.token,
      body: { subscription: { endpoint, keys: KEYS }, label: 'Phone' },
    });
    expect(sub.status).toBe(201);
    const gone = await api(ts.url, 'DELETE', `${SUBS}/${sub.body.id}`, { token: alice.token });
    expect(gone.status).toBe(204);
    const events = await ts.server.identity.audit.query({ actorId: alice.id, action: 'push.' });
    const mine = events.filter(
      (e) => (e.detail as { subscriptionId?: string }).subscriptionId === sub.body.id,
    );
    expect(mine.map((e) => e.action).sort()).toEqual(['push.subscribe', 'push.unsubscribe']);
    const added = mine.find((e) => e.action === 'push.subscribe')!;
    expect(added.detail).toMatchObject({ label: 'Phone', pushService: 'https://push.public.test' });
    expect(JSON.stringify(mine)).not.toContain('secret-capability-path');
  });
});

describe('endpoint guard', () => {
  it('classifies addresses, and names by what they resolve to', async () => {
    for (const a of ['127.0.0.1', '10.0.0.1', '::1', 'fe80::1', '::ffff:192.168.1.1'])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '2001:4860:4860::8888', 'push.example.com'])
      expect(isPrivateAddress(a), a).toBe(false);
    expect(await resolvesToPrivate('https://push.rebound.test/x', fakeLookup)).toBe(true);
    expect(await resolvesToPrivate('https://push.public.test/x', fakeLookup)).toBe(false);
    // Unresolvable now: nothing can be sent there; the send-time lookup checks again.
    expect(await resolvesToPrivate('https://nowhere.test/x', fakeLookup)).toBe(false);
  });

  it('the send-time lookup refuses a name that resolves to loopback (system resolver)', async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guardedLookup('localhost', { family: 0 }, (e) => resolve(e)),
    );
    expect(err?.code).toBe('EPRIVATE');
    // A public literal passes through untouched (no network needed for an IP literal).
    const ok = await new Promise<{ e: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
      guardedLookup('8.8.8.8', { family: 0 }, (e, address) => resolve({ e, address })),
    );
    expect(ok).toEqual({ e: null, address: '8.8.8.8' });
    // Same contract as dns.lookup with `all`.
    const all = await new Promise<unknown>((resolve) =>
      guardedLookup('8.8.8.8', { all: true }, (_e, address) => resolve(address)),
    );
    expect(all).toEqual([{ address: '8.8.8.8', family: 4 }]);
  });
});
