import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { ClusterBus } from '../../src/cluster/ClusterBus.ts';
import { IdentityEvents, type PrincipalRef } from '../../src/identity/IdentityEvents.ts';
import { IdentityEventsRelay } from '../../src/identity/IdentityEventsRelay.ts';

/** Two nodes' buses joined in memory, validating like the Redis bus does. */
function linkedBuses(): [ClusterBus, ClusterBus] {
  const subs: { node: number; schema: z.ZodType; fn: (b: unknown, from: string) => void }[] = [];
  const bus = (node: number): ClusterBus => ({
    publish: async (_channel, body) => {
      for (const s of subs.filter((x) => x.node !== node)) {
        const parsed = s.schema.safeParse(JSON.parse(JSON.stringify(body)));
        if (parsed.success) s.fn(parsed.data, `node-${node}`);
      }
    },
    subscribe: (_channel, schema, fn) => {
      const entry = { node, schema, fn: fn as (b: unknown, from: string) => void };
      subs.push(entry);
      return () => void subs.splice(subs.indexOf(entry), 1);
    },
  });
  return [bus(1), bus(2)];
}

describe('IdentityEventsRelay', () => {
  it('relays changes once, marks them relayed, never publishes them back, drops bad ones', async () => {
    const [busA, busB] = linkedBuses();
    const a = new IdentityEvents();
    const b = new IdentityEvents();
    const relayA = new IdentityEventsRelay(a, busA);
    const relayB = new IdentityEventsRelay(b, busB);
    const atA: PrincipalRef[] = [];
    const atB: { who: PrincipalRef; relayed: boolean }[] = [];
    a.on('principalChanged', (who) => atA.push(who));
    b.on('principalChanged', (who) => atB.push({ who, relayed: b.relayed }));
    const renamed: unknown[] = [];
    b.on('deviceRenamed', (r) => renamed.push(r));

    a.safeEmit('principalChanged', { kind: 'account', id: 'acc-1' });
    a.safeEmit('deviceRenamed', { siteId: 's', deviceId: 'd', name: 'Porch' });
    await new Promise((r) => setImmediate(r));
    expect(atB).toEqual([{ who: { kind: 'account', id: 'acc-1' }, relayed: true }]);
    // Not echoed back to the node it came from.
    expect(atA).toEqual([{ kind: 'account', id: 'acc-1' }]);
    expect(renamed).toEqual([{ siteId: 's', deviceId: 'd', name: 'Porch' }]);
    expect(b.relayed).toBe(false);

    // A node that is not trusted blindly: a bad kind is dropped by the schema.
    await busA.publish('identity', { event: 'principalChanged', who: { kind: 'root', id: 'x' } });
    expect(atB).toHaveLength(1);

    relayA.close();
    relayB.close();
    a.safeEmit('principalChanged', { kind: 'device', id: 'dev-1' });
    await new Promise((r) => setImmediate(r));
    expect(atB).toHaveLength(1);
  });
});
