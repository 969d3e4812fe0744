/**
 * The wiring in PorchlightServer: two real servers (their own data directories and node
 * addresses) on one PostgreSQL, one Redis and one S3 bucket share the login budget, elect one
 * alarm evaluator and report the cluster in /metrics.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3rver, type TestS3Server } from '../../src/recording/storage/testSupport.ts';
import { api } from '../../../tests/support/http.ts';
import { startPostgres, type TestPostgres } from '../../../tests/support/postgres.ts';
import { startRedis, type TestRedis } from '../../../tests/support/redis.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';

const LEASE_MS = 1_500;
let pg: TestPostgres;
let redis: TestRedis;
let s3: TestS3Server;
const nodes: TestServer[] = [];

async function waitFor<T>(check: () => T | undefined, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  [pg, redis, s3] = await Promise.all([startPostgres(), startRedis(), startS3rver()]);
  const bucket = await s3.createBucket();
  const tokenSecret = randomBytes(32).toString('base64url');
  const masterKeys = `k1:${randomBytes(32).toString('base64')}`;
  for (const [i, address] of ['127.0.0.1', '127.0.0.2'].entries()) {
    nodes.push(
      await startTestServer({
        host: address,
        publicHost: address,
        database: { url: pg.url },
        cluster: { redisUrl: redis.url, nodeId: `node-${i}`, leaseMs: LEASE_MS, heartbeatMs: 200 },
        auth: { tokenSecret },
        alarms: { enabled: true, tickMs: 200 },
        media: { listenIp: address, announcedAddress: address },
        recording: {
          storage: 's3',
          masterKeys,
          s3: {
            endpoint: s3.endpoint,
            bucket,
            prefix: 'porchlight',
            accessKeyId: 'S3RVER',
            secretAccessKey: 'S3RVER',
          },
        },
      }),
    );
  }
}, 180_000);
afterAll(async () => {
  for (const n of nodes) await n.close().catch(() => {});
  await Promise.all([pg?.stop(), redis?.stop(), s3?.stop()]);
});

describe('two PorchlightServers in a cluster', () => {
  it('share the login budget: 10 failures over both nodes lock like 10 on one', async () => {
    const [a, b] = nodes as [TestServer, TestServer];
    await a.createPerson({ email: 'owner@example.com', password: 'correct horse battery' });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await api((i % 2 ? b : a).server.url, 'POST', '/api/v1/auth/login', {
        body: { email: 'owner@example.com', password: `a wrong password ${i}` },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(5).fill(429)]);
    // Locked on both nodes, even with the right password.
    const right = { body: { email: 'owner@example.com', password: 'correct horse battery' } };
    expect((await api(a.server.url, 'POST', '/api/v1/auth/login', right)).status).toBe(429);
    expect((await api(b.server.url, 'POST', '/api/v1/auth/login', right)).status).toBe(429);
  });

  it('one node evaluates alarms and reports the lease; the other takes over when it closes', async () => {
    const evaluating = await waitFor(() => {
      const which = nodes.filter((n) => n.server.alarms.evaluating);
      return which.length === 1 ? which[0] : undefined;
    }, 'one evaluator');
    // Stays one: a few lease renewals later there is still exactly one.
    await new Promise((r) => setTimeout(r, LEASE_MS));
    expect(nodes.filter((n) => n.server.alarms.evaluating)).toEqual([evaluating]);
    const metrics = await (await fetch(`${evaluating.server.url}/metrics`)).text();
    expect(metrics).toContain('porchlight_cluster_leases_held{lease="alarms"} 1');
    expect(metrics).toContain('porchlight_cluster_nodes_live 2');
    expect(metrics).toContain('porchlight_cluster_clustered 1');

    const other = nodes.find((n) => n !== evaluating)!;
    const closedAt = Date.now();
    await evaluating.close();
    nodes.splice(nodes.indexOf(evaluating), 1);
    await waitFor(() => (other.server.alarms.evaluating ? true : undefined), 'the takeover');
    expect(Date.now() - closedAt).toBeLessThan(LEASE_MS);
  });
});
