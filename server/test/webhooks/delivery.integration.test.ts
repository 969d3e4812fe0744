import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, PorchlightApi } from '@porchlight/sdk/rest';
import type { WebhookDelivery } from '@porchlight/protocol';
import '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import {
  startWebhookReceiver,
  type ReceivedWebhook,
  type WebhookReceiver,
} from '../../../tests/support/webhookReceiver.ts';
import {
  verifyWebhookSignature,
  WebhookVerificationError,
} from '../../../packages/sdk/src/webhooks.ts';
import { until } from '../recording/support.ts';

const signatureOf = (r: ReceivedWebhook): string => String(r.headers['porchlight-signature']);

/** Waits for the delivery to reach a final state and returns it with its log. */
async function settled(
  api: PorchlightApi,
  siteId: string,
  webhookId: string,
  id: string,
  status: 'delivered' | 'dead',
): Promise<WebhookDelivery> {
  return until(`delivery ${status}`, async () => {
    const { deliveries } = await api.listWebhookDeliveries(siteId, webhookId, { limit: 100 });
    const d = deliveries.find((x) => x.id === id);
    return d?.status === status ? d : undefined;
  });
}

describe('signed webhooks to a real HTTPS receiver', () => {
  let ts: TestServer;
  let receiver: WebhookReceiver;
  let owner: PorchlightApi;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    ts = await startTestServer(
      {
        webhooks: {
          allowPrivateTargets: true,
          maxAttempts: 3,
          retryBaseMs: 20,
          retryMaxMs: 200,
          timeoutMs: 5_000,
        },
      },
      { webhookCa: receiver.ca },
    );
    const token = await ts.mint('viewer', { siteRole: 'owner' });
    owner = new PorchlightApi({ url: ts.url, getToken: () => token, validateResponses: true });
  });
  afterAll(async () => {
    await ts?.close();
    await receiver?.close();
  });

  it('a test event arrives signed with the secret shown at creation, and is logged', async () => {
    const { webhook, secret } = await owner.createWebhook(ts.siteId, {
      url: receiver.url,
      events: ['ring'],
    });
    expect(secret).toMatch(/^whsec_/);
    // The secret is never shown again.
    expect(JSON.stringify(await owner.listWebhooks(ts.siteId))).not.toContain(secret);
    const before = receiver.received.length;
    const queued = await owner.testWebhook(ts.siteId, webhook.id);
    const done = await settled(owner, ts.siteId, webhook.id, queued.id, 'delivered');
    const got = receiver.received[before]!;
    const envelope = verifyWebhookSignature({
      body: got.body,
      signature: signatureOf(got),
      secret,
    });
    expect(envelope).toMatchObject({ type: 'webhook.test', siteId: ts.siteId, version: 1 });
    expect(got.headers['porchlight-webhook-id']).toBe(envelope.id);
    expect(done.log).toHaveLength(1);
    expect(done.log[0]).toMatchObject({ attempt: 1, statusCode: 200, error: null });
    expect(done.log[0]!.responseExcerpt).toBe('ok');
    // The stored secret is sealed: not in the database file in clear.
    const db = fs.readFileSync(path.join(ts.server.config.dataDir, 'porchlight.db'));
    expect(db.includes(Buffer.from(secret))).toBe(false);
    await owner.deleteWebhook(ts.siteId, webhook.id);
  });

  it('retries a 500 with backoff, then succeeds; the log keeps every attempt', async () => {
    const { webhook, secret } = await owner.createWebhook(ts.siteId, {
      url: receiver.url,
      events: ['ring'],
    });
    receiver.script.push(500, 503);
    const queued = await owner.testWebhook(ts.siteId, webhook.id);
    const done = await settled(owner, ts.siteId, webhook.id, queued.id, 'delivered');
    expect(done.attempts).toBe(3);
    expect(done.log.map((a) => a.statusCode)).toEqual([200, 503, 500]);
    expect(done.log[2]!.error).toBe('HTTP 500');
    // Every attempt carried the same event, each signed afresh.
    const mine = receiver.received.filter((r) => r.body.includes(webhook.id));
    expect(mine).toHaveLength(3);
    const ids = mine.map(
      (r) => verifyWebhookSignature({ body: r.body, signature: signatureOf(r), secret }).id,
    );
    expect(new Set(ids).size).toBe(1);
    await owner.deleteWebhook(ts.siteId, webhook.id);
  });

  it('dead-letters after the attempt limit; redelivery sends it again', async () => {
    const { webhook } = await owner.createWebhook(ts.siteId, {
      url: receiver.url,
      events: ['ring'],
    });
    receiver.script.push(500, 500, 500);
    const queued = await owner.testWebhook(ts.siteId, webhook.id);
    const dead = await settled(owner, ts.siteId, webhook.id, queued.id, 'dead');
    expect(dead.attempts).toBe(3);
    expect(dead.lastStatusCode).toBe(500);
    const letters = await owner.listWebhookDeliveries(ts.siteId, webhook.id, { status: 'dead' });
    expect(letters.deliveries.map((d) => d.id)).toEqual([queued.id]);
    const metrics = await (await fetch(`${ts.url}/metrics`)).text();
    expect(metrics).toMatch(/porchlight_webhook_deliveries_total\{outcome="failed"\} [1-9]/);
    const again = await owner.redeliverWebhook(ts.siteId, webhook.id, queued.id);
    expect(again.status).toBe('pending');
    const delivered = await settled(owner, ts.siteId, webhook.id, queued.id, 'delivered');
    expect(delivered.log[0]).toMatchObject({ attempt: 1, statusCode: 200 });
    const after = await (await fetch(`${ts.url}/metrics`)).text();
    expect(after).toMatch(/porchlight_webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
    await owner.deleteWebhook(ts.siteId, webhook.id);
  });

  it('the SDK helper refuses a replayed delivery once it is older than 5 minutes', async () => {
    const { webhook, secret } = await owner.createWebhook(ts.siteId, {
      url: receiver.url,
      events: ['ring'],
    });
    const before = receiver.received.length;
    const queued = await owner.testWebhook(ts.siteId, webhook.id);
    await settled(owner, ts.siteId, webhook.id, queued.id, 'delivered');
    const got = receiver.received[before]!;
    const replay = () =>
      verifyWebhookSignature({
        body: got.body,
        signature: signatureOf(got),
        secret,
        now: Date.now() + 6 * 60_000,
      });
    expect(replay).toThrow(WebhookVerificationError);
    expect(replay).toThrow(/more than 300 s/);
    // Within the tolerance it verifies (receivers de-duplicate on the id for that window).
    verifyWebhookSignature({ body: got.body, signature: signatureOf(got), secret });
    await owner.deleteWebhook(ts.siteId, webhook.id);
  });

  it('after a rotation both secrets verify during the grace period', async () => {
    const created = await owner.createWebhook(ts.siteId, { url: receiver.url, events: ['ring'] });
    const rotated = await owner.rotateWebhookSecret(ts.siteId, created.webhook.id);
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.webhook.previousSecretExpiresAt).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const before = receiver.received.length;
    const queued = await owner.testWebhook(ts.siteId, created.webhook.id);
    await settled(owner, ts.siteId, created.webhook.id, queued.id, 'delivered');
    const got = receiver.received[before]!;
    expect(signatureOf(got).match(/v1=/g)).toHaveLength(2);
    for (const secret of [rotated.secret, created.secret])
      verifyWebhookSignature({ body: got.body, signature: signatureOf(got), secret });
    // Audited: create, rotate (never the secret itself).
    const audit = await owner.listAudit(ts.siteId, { limit: 50 });
    const actions = audit.map((e) => e.action);
    expect(actions).toContain('webhook.create');
    expect(actions).toContain('webhook.rotate');
    expect(JSON.stringify(audit)).not.toContain(rotated.secret);
    await owner.deleteWebhook(ts.siteId, created.webhook.id);
    expect((await owner.listAudit(ts.siteId, { limit: 5 })).map((e) => e.action)).toContain(
      'webhook.delete',
    );
  });

  it('domain events reach subscribed endpoints only: device online/offline, person detected', async () => {
    const { webhook, secret } = await owner.createWebhook(ts.siteId, {
      url: receiver.url,
      events: ['device.online', 'device.offline', 'person.detected'],
    });
    const other = await owner.createWebhook(ts.siteId, { url: receiver.url, events: ['ring'] });
    const { id: deviceId } = await ts.mintWithId('camera', { label: 'Porch' });
    const before = receiver.received.length;
    const registry = ts.server.identity.registry;
    await registry.online(deviceId, { address: '127.0.0.1', userAgent: 'test' });
    await registry.bitrate(deviceId, 500_000); // not a transition: no event
    const device = (await ts.server.store.devices.get(deviceId))!;
    await ts.server.detection.events.start(device, {
      label: 'person',
      startedAt: Date.now(),
      maxScore: 0.8,
      zones: [],
      track: [],
      detector: { backend: 'wasm', model: 'centernet', msPerFrame: 40 },
    });
    await registry.offline(deviceId);
    const types = await until('three events', () => {
      const got = receiver.received.slice(before);
      return got.length >= 3 ? got : undefined;
    });
    const envelopes = types.map((r) =>
      verifyWebhookSignature({ body: r.body, signature: signatureOf(r), secret }),
    );
    expect(envelopes.map((e) => e.type).sort()).toEqual(
      ['device.offline', 'device.online', 'person.detected'].sort(),
    );
    const online = envelopes.find((e) => e.type === 'device.online')!;
    expect(online.data).toMatchObject({ deviceId, name: 'Porch' });
    // Nothing signed or secret-bearing in a payload.
    for (const r of types) expect(r.body).not.toMatch(/token|whsec_|\/media\//);
    expect(
      (await owner.listWebhookDeliveries(ts.siteId, other.webhook.id)).deliveries,
    ).toHaveLength(0);
    await owner.deleteWebhook(ts.siteId, webhook.id);
    await owner.deleteWebhook(ts.siteId, other.webhook.id);
  });

  it('a doorbell ring and its answer reach the endpoint through the real call service', async () => {
    const { webhook, secret } = await owner.createWebhook(ts.siteId, {
      url: receiver.url,
      events: ['ring', 'call.answered', 'call.missed'],
    });
    const { provisioning } = ts.server.identity;
    const code = await provisioning.createCode({
      siteId: ts.siteId,
      kind: 'doorbell',
      name: 'Front door',
      createdBy: 'test',
    });
    const { device } = await provisioning.redeem(code.code, {
      userAgent: null,
      firmware: null,
      address: null,
    });
    const { doors, calls } = ts.server.doorbell;
    const before = receiver.received.length;
    const call = await calls.ring(await doors.get(ts.siteId, device.id), 'doorbell', null);
    await calls.answer(call.id, { accountId: 'acc-1', name: 'Ann', deviceLabel: 'Pixel' });
    const got = await until('ring and answer', () => {
      const r = receiver.received.slice(before);
      return r.length >= 2 ? r : undefined;
    });
    const envelopes = got.map((r) =>
      verifyWebhookSignature({ body: r.body, signature: signatureOf(r), secret }),
    );
    expect(envelopes.map((e) => e.type).sort()).toEqual(['call.answered', 'ring']);
    for (const e of envelopes)
      expect(e.data).toMatchObject({ callId: call.id, doorName: 'Front door' });
    await calls.hangUp(call.id, 'acc-1');
    await owner.deleteWebhook(ts.siteId, webhook.id);
  });

  it('another site owner and a member of the site are refused', async () => {
    const { webhook } = await owner.createWebhook(ts.siteId, {
      url: receiver.url,
      events: ['ring'],
    });
    await ts.ensureSite('site-b-webhooks');
    const strangerToken = await ts.mint('viewer', { siteId: 'site-b-webhooks', siteRole: 'owner' });
    const memberToken = await ts.mint('viewer', { siteRole: 'member' });
    for (const token of [strangerToken, memberToken]) {
      const api = new PorchlightApi({ url: ts.url, getToken: () => token });
      for (const call of [
        () => api.listWebhooks(ts.siteId),
        () => api.createWebhook(ts.siteId, { url: receiver.url, events: ['ring'] }),
        () => api.rotateWebhookSecret(ts.siteId, webhook.id),
        () => api.testWebhook(ts.siteId, webhook.id),
        () => api.deleteWebhook(ts.siteId, webhook.id),
      ]) {
        const e = await call().catch((x: unknown) => x);
        expect(e).toBeInstanceOf(ApiError);
        expect((e as ApiError).status).toBe(403);
      }
    }
    // Its own site's id does not reach another site's webhook either.
    const stranger = new PorchlightApi({ url: ts.url, getToken: () => strangerToken });
    const e = await stranger
      .deleteWebhook('site-b-webhooks', webhook.id)
      .catch((x: unknown) => x as ApiError);
    expect((e as ApiError).status).toBe(404);
    expect((await owner.listWebhooks(ts.siteId)).webhooks.map((w) => w.id)).toContain(webhook.id);
    await owner.deleteWebhook(ts.siteId, webhook.id);
  });
});

describe('SSRF protection (allowPrivateTargets off)', () => {
  let ts: TestServer;
  let receiver: WebhookReceiver;
  let owner: PorchlightApi;
  /** What the injected DNS answers for rebind.example.test, changed by the test. */
  let rebindTo = '93.184.216.34';

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    ts = await startTestServer(
      { webhooks: { maxAttempts: 1 } },
      {
        webhookCa: receiver.ca,
        webhookResolve: async (host) => {
          if (host === 'internal.example.test') return [{ address: '10.0.0.7', family: 4 }];
          if (host === 'rebind.example.test') return [{ address: rebindTo, family: 4 }];
          throw new Error('ENOTFOUND');
        },
      },
    );
    const token = await ts.mint('viewer', { siteRole: 'owner' });
    owner = new PorchlightApi({ url: ts.url, getToken: () => token });
  });
  afterAll(async () => {
    await ts?.close();
    await receiver?.close();
  });

  const refusal = async (url: string): Promise<ApiError> =>
    (await owner
      .createWebhook(ts.siteId, { url, events: ['ring'] })
      .catch((e: unknown) => e)) as ApiError;

  it('refuses loopback, private, link-local and mapped targets at registration with a clear error', async () => {
    for (const url of [
      receiver.url,
      'https://127.1/x',
      'https://0x7f.0.0.1/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/x',
      'https://[fd00::1]/x',
      'https://[fe80::1]/x',
      'https://localhost/x',
      'https://internal.example.test/x',
    ]) {
      const e = await refusal(url);
      expect(e, url).toBeInstanceOf(ApiError);
      expect(e.status, url).toBe(400);
      expect(e.message, url).toMatch(/webhook target refused/);
    }
    const plain = await refusal('http://93.184.216.34/x');
    expect(plain.status).toBe(400);
    expect(plain.message).toMatch(/https/);
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses at delivery time a name that now resolves to a private address (rebinding)', async () => {
    const { webhook } = await owner.createWebhook(ts.siteId, {
      url: `https://rebind.example.test:${receiver.port}/x`,
      events: ['ring'],
    });
    rebindTo = '127.0.0.1';
    const queued = await owner.testWebhook(ts.siteId, webhook.id);
    const dead = await settled(owner, ts.siteId, webhook.id, queued.id, 'dead');
    expect(dead.log[0]!.statusCode).toBeNull();
    expect(dead.log[0]!.error).toMatch(/refused: .*resolves to a private address \(127\.0\.0\.1\)/);
    expect(receiver.received).toHaveLength(0);
  });
});

describe('the outbox survives a restart', () => {
  it('a delivery in flight when the server stops is sent after the next start', async () => {
    const receiver = await startWebhookReceiver();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-webhooks-'));
    const tokenSecret = randomBytes(32).toString('base64url');
    const config = {
      dataDir,
      auth: { tokenSecret },
      webhooks: { allowPrivateTargets: true, retryBaseMs: 20, retryMaxMs: 100 },
    };
    try {
      const first = await startTestServer(config, { webhookCa: receiver.ca });
      const token = await first.mint('viewer', { siteRole: 'owner' });
      const api = new PorchlightApi({ url: first.url, getToken: () => token });
      const { webhook, secret } = await api.createWebhook(first.siteId, {
        url: receiver.url,
        events: ['ring'],
      });
      receiver.script.push(0); // the receiver hangs: the attempt is in flight at shutdown
      const queued = await api.testWebhook(first.siteId, webhook.id);
      await until('the first attempt reached the receiver', () => receiver.received.length > 0);
      await first.close();
      const second = await startTestServer(config, { webhookCa: receiver.ca });
      try {
        const repo = second.server.webhooks.repo;
        const row = await until('delivered after the restart', async () => {
          const d = await repo.getDelivery(queued.id);
          return d?.status === 'delivered' ? d : undefined;
        });
        expect(row.attempts).toBe(1);
        const last = receiver.received.at(-1)!;
        verifyWebhookSignature({ body: last.body, signature: signatureOf(last), secret });
      } finally {
        await second.close();
      }
    } finally {
      await receiver.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
