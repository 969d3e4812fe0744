/**
 * Shared limits and exclusive work across nodes: two or three Cluster instances on one real
 * Redis (and one real PostgreSQL for the webhook outbox), each driving its own copy of the
 * component, as two server processes would.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/cluster/Cluster.ts';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { IdentityEvents } from '../../src/identity/IdentityEvents.ts';
import { AccessTokens } from '../../src/identity/authentication/AccessTokens.ts';
import { LoginService } from '../../src/identity/authentication/LoginService.ts';
import { PasswordHasher } from '../../src/identity/authentication/passwords.ts';
import { rateLimitsOf } from '../../src/limits/RateLimits.ts';
import { Alarms } from '../../src/ops/alarms/Alarms.ts';
import { connectClusterMetrics } from '../../src/ops/metrics/clusterMetrics.ts';
import { PorchlightMetrics } from '../../src/ops/metrics/PorchlightMetrics.ts';
import { MaintenanceLease } from '../../src/recording/MaintenanceLease.ts';
import { connectPlaybackAuthz } from '../../src/recording/playback/AuthzInvalidation.ts';
import { createStore, type Store } from '../../src/store/createStore.ts';
import { Webhooks } from '../../src/webhooks/Webhooks.ts';
import { startPostgres, type TestPostgres } from '../../../tests/support/postgres.ts';
import { startRedis, type TestRedis } from '../../../tests/support/redis.ts';
import { until as untilAt } from '../../../tests/support/until.ts';

const LEASE_MS = 1_000;
let redis: TestRedis;
const open: Cluster[] = [];

async function node(id: string): Promise<Cluster> {
  const c = await createCluster({
    redisUrl: redis.url,
    nodeId: id,
    keyPrefix: 'work:',
    leaseMs: LEASE_MS,
    heartbeatMs: 100,
    mediaAddress: '127.0.0.1',
  });
  open.push(c);
  return c;
}

/** This file's waits: 20 s deadline, polled every 10 ms. */
const until = <T>(check: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> =>
  untilAt(check, what, timeoutMs, 10);

beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await redis?.stop();
});

describe('rate limits shared through Redis', () => {
  /** A login service of one node: unknown e-mails, so every try is a failure. */
  function loginNode(cluster: Cluster): LoginService {
    const limits = rateLimitsOf(cluster, 'work:');
    return new LoginService({
      accounts: {
        get: async () => null,
        getByEmail: async () => null,
        update: async () => true,
        bumpTokenGeneration: async () => null,
      },
      passwords: new PasswordHasher(),
      accessTokens: new AccessTokens({ secret: 'x'.repeat(40) }),
      refreshTokens: {} as never,
      accountLimiter: limits.lockout('login-account', {}),
      ipLimiter: limits.lockout('login-address', { maxFailures: 20 }),
    });
  }

  async function outcomes(nodes: LoginService[], email: string, ip: string): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const error = await nodes[i % nodes.length]!.login(email, 'wrong', ip).catch((e) => e);
      seen.push((error as { code?: string }).code ?? 'none');
    }
    return seen;
  }

  it('10 failed logins spread over two nodes lock the account as 10 on one node would', async () => {
    const a = loginNode(await node('login-a'));
    const b = loginNode(await node('login-b'));
    const one = await outcomes([a], 'one@example.com', '192.0.2.1');
    const two = await outcomes([a, b], 'two@example.com', '192.0.2.2');
    // The 5th failure locks the e-mail: the rest are refused before any password work.
    expect(one).toEqual([...Array(5).fill('UNAUTHORIZED'), ...Array(5).fill('RATE_LIMITED')]);
    expect(two).toEqual(one);
  });

  it('rings per door are limited across nodes, and concurrent attempts never overshoot', async () => {
    const opts = { limit: 3, windowMs: 60_000, now: Date.now };
    const doorA = rateLimitsOf(await node('ring-a'), 'work:').window('ring-door', opts);
    const doorB = rateLimitsOf(await node('ring-b'), 'work:').window('ring-door', opts);
    // CallService's order: wait, then take, alternating nodes.
    const rang: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const limiter = i % 2 === 0 ? doorA : doorB;
      const wait = await limiter.wait('door:d1');
      if (wait === 0) await limiter.take('door:d1');
      rang.push(wait === 0);
    }
    expect(rang).toEqual([true, true, true, false, false, false]);
    expect(await doorB.wait('door:d1')).toBeGreaterThanOrEqual(59);
    expect(await doorA.wait('door:other')).toBe(0);
    // 20 rings at once, half on each node: exactly `limit` get through.
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? doorA : doorB).attempt('door:d2')),
    );
    expect(burst.filter((w) => w === 0)).toHaveLength(3);
  });

  it('falls back to a per-node limit when Redis does not answer', async () => {
    const c = await node('ring-down');
    const limiter = rateLimitsOf(c, 'work:').window('ring-door', {
      limit: 2,
      windowMs: 60_000,
      now: Date.now,
    });
    c.redis!.disconnect();
    const started = Date.now();
    const waits = [
      await limiter.attempt('k'),
      await limiter.attempt('k'),
      await limiter.attempt('k'),
    ];
    expect(waits.map((w) => w === 0)).toEqual([true, true, false]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('exclusive work by lease', () => {
  /** Alarms of one node whose passes are counted (the evaluator itself is tested elsewhere). */
  function alarmsNode(cluster: Cluster, passes: string[]): Alarms {
    const alarms = new Alarms({
      repo: {} as never,
      sites: {} as never,
      devices: {} as never,
      signals: {} as never,
      audience: {} as never,
      notifiers: [],
      tickMs: 50,
      leases: cluster.leases,
    });
    alarms.service.ensureAllDefaults = async () => {};
    alarms.evaluator.evaluateDue = async () => {
      passes.push(cluster.nodeId);
    };
    return alarms;
  }

  it('one node evaluates alarms; another takes over within leaseMs when it closes or dies', async () => {
    const passes: string[] = [];
    const clusters = [await node('alarm-a'), await node('alarm-b'), await node('alarm-c')];
    const alarms = clusters.map((c) => alarmsNode(c, passes));
    await Promise.all(alarms.map((a) => a.start()));
    await until(() => (passes.length >= 10 ? true : undefined), '10 alarm passes');
    const first = passes[0]!;
    expect(new Set(passes)).toEqual(new Set([first]));
    expect(alarms.filter((a) => a.evaluating)).toHaveLength(1);

    // Metrics: the holder reports its lease, every node the live nodes.
    const metrics = new PorchlightMetrics('test');
    const holder = clusters.find((c) => c.nodeId === first)!;
    connectClusterMetrics(metrics, holder);
    const text = await metrics.registry.metrics();
    expect(text).toContain('porchlight_cluster_leases_held{lease="alarms"} 1');
    expect(text).toMatch(/porchlight_cluster_nodes_live [3-9]/);

    // Closing hands over at once (the lease is released).
    const closedAt = Date.now();
    await alarms[clusters.indexOf(holder)]!.close();
    passes.length = 0;
    await until(() => (passes.length > 0 ? true : undefined), 'a pass after close');
    expect(Date.now() - closedAt).toBeLessThan(LEASE_MS);
    const second = passes[0]!;
    expect(second).not.toBe(first);

    // Dying (Redis gone, no release): the next node takes over once the lease runs out.
    const dying = clusters.find((c) => c.nodeId === second)!;
    dying.redis!.disconnect();
    const diedAt = Date.now();
    await until(() => (passes.some((p) => p !== second) ? true : undefined), 'a takeover');
    const tookMs = Date.now() - diedAt;
    expect(tookMs).toBeLessThan(LEASE_MS + LEASE_MS / 3 + 500);
    // The dead node stops by itself once it cannot renew: never two evaluators for long.
    await until(
      () => (alarms[clusters.indexOf(dying)]!.evaluating ? undefined : true),
      'the dead node to stop',
    );
    console.info(`alarm takeover after a node died: ${tookMs} ms (leaseMs ${LEASE_MS})`);
    for (const a of alarms) await a.close();
  });

  it('retention runs on one node at a time, and moves when that node closes', async () => {
    const leases = [await node('ret-a'), await node('ret-b')].map(
      (c) => new MaintenanceLease({ leases: c.leases, name: 'recording-maintenance:s3:b/p' }),
    );
    const ran: number[] = [];
    let inPass = 0;
    let overlaps = 0;
    const pass = (i: number) => async () => {
      inPass++;
      if (inPass > 1) overlaps++;
      ran.push(i);
      await new Promise((r) => setTimeout(r, 5));
      inPass--;
    };
    await until(() => (leases.some((l) => l.mine) ? true : undefined), 'a maintainer');
    for (let round = 0; round < 20; round++) {
      await Promise.all(leases.map((l, i) => l.run(pass(i))));
    }
    expect(overlaps).toBe(0);
    expect(new Set(ran).size).toBe(1);
    expect(ran).toHaveLength(20);
    const owner = ran[0]!;
    await leases[owner]!.close();
    const other = 1 - owner;
    await until(() => (leases[other]!.mine ? true : undefined), 'the other node to maintain');
    expect(await leases[other]!.run(pass(other))).toBe(true);
    await leases[other]!.close();
  });

  it('a grant change on one node drops playback authorization on the others within 1 s', async () => {
    const a = await node('authz-a');
    const b = await node('authz-b');
    const eventsA = new IdentityEvents();
    const forgotten: { at: number; who: string }[] = [];
    connectPlaybackAuthz({ events: eventsA, bus: a.bus, forget: () => {} });
    connectPlaybackAuthz({
      events: new IdentityEvents(),
      bus: b.bus,
      forget: (who) => forgotten.push({ at: Date.now(), who: `${who.kind}:${who.id}` }),
    });
    await (b.bus as unknown as { ready(): Promise<void> }).ready();
    const changedAt = Date.now();
    eventsA.safeEmit('principalChanged', { kind: 'account', id: 'acc-1' });
    await until(() => (forgotten.length ? true : undefined), 'the relayed change', 1_000);
    expect(forgotten[0]!.who).toBe('account:acc-1');
    expect(forgotten[0]!.at - changedAt).toBeLessThan(1_000);
  });
});

describe('webhook outbox on two nodes (PostgreSQL)', () => {
  let pg: TestPostgres;
  const stores: Store[] = [];
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    for (const s of stores) await s.close();
    await pg?.stop();
  });

  it('delivers each webhook exactly once with two nodes working the outbox', async () => {
    const received = new Map<string, number>();
    const receiver = http.createServer((req, res) => {
      const id = String(req.headers['porchlight-webhook-id']);
      received.set(id, (received.get(id) ?? 0) + 1);
      req.resume();
      // Slow enough that both nodes see the same rows due at once.
      setTimeout(() => res.end('ok'), 20);
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const config = loadConfig({ webhooks: { allowHttp: true, allowPrivateTargets: true } }, {});
    const nodes: Webhooks[] = [];
    for (let i = 0; i < 2; i++) {
      const store = await createStore({ url: pg.url });
      stores.push(store);
      nodes.push(
        new Webhooks({
          config: { ...config.webhooks, concurrency: 8 },
          db: store.executor,
          secret: 's'.repeat(40),
          shared: true,
        }),
      );
    }
    const now = Date.now();
    await stores[0]!.sites.create({ id: 'site-1', name: 'Home', createdAt: now });
    const { webhook } = await nodes[0]!.service.create('site-1', { url, events: ['ring'] });
    const N = 60;
    for (let i = 0; i < N; i++) {
      await nodes[0]!.repo.createDelivery({
        id: `d-${i}`,
        endpointId: webhook.id,
        siteId: 'site-1',
        eventId: `evt_${i}`,
        eventType: 'ring',
        body: JSON.stringify({ i }),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        lastStatusCode: null,
        lastError: null,
        createdAt: now,
        updatedAt: now,
      });
    }
    const attempts = new Map<string, number>();
    for (const [i, n] of nodes.entries()) {
      n.engine.on('attempted', () => attempts.set(`n${i}`, (attempts.get(`n${i}`) ?? 0) + 1));
    }
    for (const n of nodes) n.engine.kick();
    const delivered = async (): Promise<number> => {
      const { rows } = await stores[0]!.executor.query(
        `SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'delivered'`,
      );
      return Number(rows[0]!['n']);
    };
    const deadline = Date.now() + 30_000;
    while ((await delivered()) < N && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const n of nodes) await n.close();
    receiver.close();
    expect(await delivered()).toBe(N);
    expect(received.size).toBe(N);
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    const { rows } = await stores[0]!.executor.query('SELECT COUNT(*) AS n FROM webhook_attempts');
    expect(Number(rows[0]!['n'])).toBe(N);
    // Both nodes did a share of the work.
    console.info('webhook attempts per node', Object.fromEntries(attempts));
  });
});
