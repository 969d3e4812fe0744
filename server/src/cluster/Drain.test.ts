import { describe, expect, it } from 'vitest';
import { ClusterAdmin, NodeDrain, type DrainableSockets } from './Drain.ts';
import { BusRpc } from './ClusterRpc.ts';
import { LocalBus } from './ClusterBus.ts';
import { LocalNodeDirectory, type NodeInfo } from './NodeDirectory.ts';

const self: NodeInfo = {
  id: 'n1',
  url: 'https://n1',
  mediaAddress: '10.0.0.1',
  startedAt: 0,
  draining: false,
  load: 0,
};

function fakeSockets(count: number) {
  const calls: { reason: string; spreadMs: number }[] = [];
  let disconnected = false;
  const sockets: DrainableSockets & { count: number } = {
    count,
    get sessionCount() {
      return disconnected ? 0 : this.count;
    },
    drain: (reason, spreadMs) => void calls.push({ reason, spreadMs }),
    disconnectAll: () => void (disconnected = true),
  };
  return { sockets, calls, disconnected: () => disconnected };
}

function setup(count: number, timeoutMs: number, clustered = true) {
  const nodes = new LocalNodeDirectory(self);
  const cluster = { nodeId: 'n1', clustered, nodes, rpc: new BusRpc('n1', new LocalBus()) };
  const s = fakeSockets(count);
  const drain = new NodeDrain({ cluster, sockets: s.sockets, timeoutMs, reconnectSpreadMs: 500 });
  return { nodes, drain, admin: new ClusterAdmin(cluster, drain), ...s };
}

describe('NodeDrain', () => {
  it('marks the node draining, tells the sockets once, and is drained when they are gone', async () => {
    const { nodes, drain, sockets, calls, disconnected } = setup(2, 10_000);
    const drained: string[] = [];
    drain.on('drained', (reason) => drained.push(reason));
    const done = drain.start('SIGTERM');
    void drain.start('again');
    expect(drain.draining).toBe(true);
    expect(nodes.self.draining).toBe(true);
    expect(calls).toEqual([{ reason: 'SIGTERM', spreadMs: 500 }]);
    expect(drained).toEqual([]);
    sockets.count = 0;
    await done;
    expect(drained).toEqual(['SIGTERM']);
    expect(disconnected()).toBe(false);
  });

  it('closes the sockets left when the timeout runs out', async () => {
    const { drain, disconnected } = setup(3, 200);
    const t0 = Date.now();
    await drain.start('admin');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(disconnected()).toBe(true);
  });
});

describe('ClusterAdmin', () => {
  it('lists live nodes with the answering one marked, and refuses to drain a single box', async () => {
    const single = setup(0, 100, false);
    expect(single.admin.nodes()).toEqual([{ ...self, self: true }]);
    await expect(single.admin.drain('n1', 'admin')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(single.drain.draining).toBe(false);
  });

  it('drains itself, says when it already was, and does not know other nodes', async () => {
    const { admin, drain } = setup(0, 100);
    await expect(admin.drain('n1', 'admin')).resolves.toEqual({
      nodeId: 'n1',
      alreadyDraining: false,
    });
    expect(drain.draining).toBe(true);
    await expect(admin.drain('n1', 'admin')).resolves.toMatchObject({ alreadyDraining: true });
    await expect(admin.drain('n9', 'admin')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
