import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCluster, type Cluster } from '../../src/cluster/Cluster.ts';
import { ClusterRpcError, ClusterRpcTimeoutError } from '../../src/cluster/errors.ts';
import { PorchlightError } from '../../src/errors.ts';
import { startRedis, type TestRedis } from '../../../tests/support/redis.ts';
import { until } from '../../../tests/support/until.ts';

let redis: TestRedis;
const open: Cluster[] = [];

async function node(id: string, o: { leaseMs?: number; heartbeatMs?: number } = {}) {
  const c = await createCluster({
    redisUrl: redis.url,
    nodeId: id,
    keyPrefix: 'test:',
    leaseMs: o.leaseMs ?? 1_000,
    heartbeatMs: o.heartbeatMs ?? 100,
    mediaAddress: '127.0.0.1',
  });
  open.push(c);
  return c;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await redis?.stop();
});

describe('cluster core on a real Redis', () => {
  it('the bus reaches other nodes only, and drops messages that fail the schema', async () => {
    const a = await node('bus-a');
    const b = await node('bus-b');
    const atA: unknown[] = [];
    const atB: { n: number; from: string }[] = [];
    a.bus.subscribe('t', z.object({ n: z.number() }), (m) => atA.push(m));
    b.bus.subscribe('t', z.object({ n: z.number() }), (m, from) => atB.push({ n: m.n, from }));
    await (b.bus as unknown as { ready(): Promise<void> }).ready();
    await a.bus.publish('t', { n: 'not a number' });
    await a.bus.publish('t', { n: 1 });
    await until(() => (atB.length ? true : undefined), 'a message at b');
    expect(atB).toEqual([{ n: 1, from: 'bus-a' }]);
    expect(atA).toEqual([]);
  });

  it('rpc answers, passes refusals on, and times out on a node that is not there', async () => {
    const a = await node('rpc-a');
    const b = await node('rpc-b');
    b.rpc.handle('double', z.object({ x: z.number() }), async ({ x }, from) => ({
      y: x * 2,
      from,
    }));
    b.rpc.handle('refuse', z.object({}), async () => {
      throw PorchlightError.forbidden('no');
    });
    await expect(
      a.rpc.call('rpc-b', 'double', { x: 21 }, z.object({ y: z.number(), from: z.string() })),
    ).resolves.toEqual({ y: 42, from: 'rpc-a' });
    const refused = await a.rpc.call('rpc-b', 'refuse', {}, z.unknown()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClusterRpcError);
    expect(refused).toMatchObject({ code: 'FORBIDDEN', message: 'no', nodeId: 'rpc-b' });
    const invalid = await a.rpc.call('rpc-b', 'double', { x: 'x' }, z.unknown()).catch((e) => e);
    expect(invalid).toMatchObject({ code: 'BAD_REQUEST' });
    const gone = await a.rpc.call('nobody', 'double', {}, z.unknown(), 300).catch((e) => e);
    expect(gone).toBeInstanceOf(ClusterRpcTimeoutError);
  });

  it('a lease has one holder; it moves when the holder leaves or dies', async () => {
    const a = await node('lease-a');
    const b = await node('lease-b');
    const events: string[] = [];
    const holdA = a.leases.hold('job', {
      acquired: () => events.push('a+'),
      lost: () => events.push('a-'),
    });
    await until(() => (holdA.held ? true : undefined), 'a to hold');
    const holdB = b.leases.hold('job', {
      acquired: () => events.push('b+'),
      lost: () => events.push('b-'),
    });
    // b keeps trying every ttl/3 while a renews: over 3 lease lifetimes it must never get it.
    const t0 = Date.now();
    await until(() => (Date.now() - t0 > 3_000 ? true : undefined), '3 lease lifetimes');
    expect(holdB.held).toBe(false);
    expect(await b.leases.runExclusive('job', async () => undefined)).toBe(false);
    await holdA.release();
    await until(() => (holdB.held ? true : undefined), 'b to take over after release');
    expect(events).toEqual(['a+', 'b+']);

    // A holder that stops renewing (a frozen or killed node) loses it to the next within the TTL.
    const c = await node('lease-c');
    const holdC = c.leases.hold('job2', { acquired: () => undefined, lost: () => undefined });
    await until(() => (holdC.held ? true : undefined), 'c to hold');
    c.redis!.disconnect(false);
    const d = await node('lease-d');
    const died = Date.now();
    const holdD = d.leases.hold('job2', { acquired: () => undefined, lost: () => undefined });
    await until(() => (holdD.held ? true : undefined), 'd to take over from the dead holder');
    expect(Date.now() - died).toBeLessThan(5_000);
  });

  it('nodes see each other and notice a node that stops beating', async () => {
    const a = await node('dir-a');
    const b = await node('dir-b');
    await until(() => (a.nodes.get('dir-b') ? true : undefined), 'a to see b');
    expect(b.nodes.live().map((n) => n.id)).toContain('dir-a');
    b.nodes.setUrl('https://10.0.0.2:8443');
    await until(
      () => (a.nodes.get('dir-b')?.url === 'https://10.0.0.2:8443' ? true : undefined),
      'b to announce its url',
    );
    const down = new Promise<string>((resolve) =>
      a.nodes.on('nodeDown', (id) => id === 'dir-b' && resolve(id)),
    );
    b.redis!.disconnect(false);
    await expect(down).resolves.toBe('dir-b');
  });
});
