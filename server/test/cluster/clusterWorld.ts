/**
 * What the cluster tests share: a cluster of node processes behind the test balancer, tokens
 * minted in this process against the cluster's PostgreSQL with the cluster's shared token secret,
 * and SDK clients (@roamhq/wrtc) with a frame clock that follows re-consumed tracks.
 */
import { randomUUID } from 'node:crypto';
import { PorchlightClient } from '@porchlight/sdk';
import { createStore, type Store } from '../../src/store/createStore.ts';
import { createIdentity, type Identity } from '../../src/identity/createIdentity.ts';
import {
  startCluster,
  type NodeProcess,
  type TestCluster,
} from '../../../tests/support/cluster.ts';
import { startBalancer, type TestBalancer } from '../../../tests/support/balancer.ts';
import { accountRecord, grantRecord } from '../../../tests/support/records.ts';
import { frameCounter, installWrtcGlobals } from '../../../tests/support/wrtc.ts';
import type { Subscription } from '@porchlight/sdk';

export interface ClusterWorld {
  cluster: TestCluster;
  balancer: TestBalancer;
  store: Store;
  identity: Identity;
  siteId: string;
  mintCamera(label: string): Promise<string>;
  /** A camera's token and its device id (for the recording API). */
  mintCameraDevice(label: string): Promise<{ token: string; deviceId: string }>;
  mintPerson(o: { admin?: boolean }): Promise<string>;
  /** An SDK client that connects through the balancer. */
  client(token: string): PorchlightClient;
  /** The node a client's websocket is on (by the balancer's open connections). */
  nodesWithClients(): NodeProcess[];
  close(): Promise<void>;
}

export async function startClusterWorld(
  nodes: number,
  env: Record<string, string> = {},
  o: { heartbeatMs?: number } = {},
) {
  installWrtcGlobals();
  const cluster = await startCluster({ nodes, env, ...o });
  const backends = cluster.nodes.map((n) => ({ host: n.host, port: n.port }));
  const balancer = await startBalancer({ backends, healthPath: '/readyz' });
  const store = await createStore({ url: cluster.postgres.url });
  const identity = createIdentity({ repos: store, secret: cluster.tokenSecret });
  const siteId = randomUUID();
  await store.sites.create({ id: siteId, name: 'Cluster site', createdAt: Date.now() });
  const clients: PorchlightClient[] = [];
  const world: ClusterWorld = {
    cluster,
    balancer,
    store,
    identity,
    siteId,
    mintCamera: async (label) => (await world.mintCameraDevice(label)).token,
    mintCameraDevice: async (label) => {
      const code = await identity.provisioning.createCode({
        siteId,
        kind: 'camera',
        name: label,
        createdBy: 'test',
      });
      const { device } = await identity.provisioning.redeem(code.code, {
        userAgent: 'test',
        firmware: null,
        address: '127.0.0.1',
      });
      return {
        token: (await identity.accessTokens.issueDevice(device)).token,
        deviceId: device.id,
      };
    },
    mintPerson: async ({ admin = false }) => {
      const id = randomUUID();
      await store.accounts.create(accountRecord({ id, displayName: 'Person', isAdmin: admin }));
      if (!admin) await store.grants.create(grantRecord(id, siteId, 'owner'));
      return (await identity.accessTokens.issueAccount(id)).token;
    },
    client: (token) => {
      const c = new PorchlightClient({
        url: balancer.url,
        token,
        device: { handlerName: 'Chrome111' },
        socketOptions: { rejectUnauthorized: false },
      });
      clients.push(c);
      return c;
    },
    nodesWithClients: () =>
      cluster.nodes.filter((n) => balancer.active({ host: n.host, port: n.port }) > 0),
    close: async () => {
      for (const c of clients) c.close();
      await balancer.stop();
      await store.close();
      await cluster.stop();
    },
  };
  return world;
}

/**
 * Decoded frames of a subscription across re-consumes (a new track after each reconnect), with
 * the time of the last one and the longest pause since `mark()`.
 */
export function frameClock(sub: Subscription) {
  const counters: ReturnType<typeof frameCounter>[] = [];
  const attach = (track: MediaStreamTrack): void => void counters.push(frameCounter(track));
  if (sub.track) attach(sub.track);
  sub.on('trackChanged', attach);
  const state = { frames: 0, lastAt: 0, maxGapMs: 0, markedAt: 0 };
  const timer = setInterval(() => {
    const frames = counters.reduce((n, c) => n + c.state.frames, 0);
    const now = Date.now();
    if (frames > state.frames) {
      if (state.markedAt > 0 && state.lastAt > 0)
        state.maxGapMs = Math.max(state.maxGapMs, now - state.lastAt);
      state.frames = frames;
      state.lastAt = now;
    }
  }, 20);
  return {
    state,
    /** Frames decoded from now on count towards a new gap measurement. */
    mark: () => {
      state.markedAt = Date.now();
      state.maxGapMs = 0;
    },
    framesSince: (n: number) => state.frames - n,
    stop: () => {
      clearInterval(timer);
      for (const c of counters) c.stop();
    },
  };
}

export async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
) {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
