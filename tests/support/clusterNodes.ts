import { randomBytes } from 'node:crypto';
import { PorchlightClient } from '@porchlight/sdk';
import { startPostgres, type TestPostgres } from './postgres.ts';
import { startRedis, type TestRedis } from './redis.ts';
import { startTestServer, type TestServer } from './testServer.ts';

/** One node of a test cluster: a real server on its own loopback address. */
export interface TestNode extends TestServer {
  nodeId: string;
  address: string;
}

export interface TestCluster {
  nodes: TestNode[];
  redis: TestRedis;
  postgres: TestPostgres;
  /** An SDK client (wrtc globals must be installed) of `node` with `token`. */
  client(node: TestNode, token: string, label?: string): PorchlightClient;
  close(): Promise<void>;
}

/**
 * N PorchlightServer nodes in this process (127.0.0.1, .2, .3 …: media and HTTPS on each), one
 * throwaway Redis and PostgreSQL, the same token secret. Recording is off: these are media tests.
 */
export async function startTestCluster(count: number, heartbeatMs = 200): Promise<TestCluster> {
  const redis = await startRedis();
  const postgres = await startPostgres().catch(async (error: unknown) => {
    await redis.stop();
    throw error;
  });
  const tokenSecret = randomBytes(32).toString('base64url');
  const keyPrefix = `t${randomBytes(4).toString('hex')}:`;
  const nodes: TestNode[] = [];
  const close = async (): Promise<void> => {
    for (const n of nodes.reverse()) await n.close().catch(() => undefined);
    await redis.stop();
    await postgres.stop();
  };
  try {
    // One after the other: the first runs the migrations.
    for (let i = 0; i < count; i++) {
      const address = `127.0.0.${i + 1}`;
      const nodeId = `node-${String.fromCharCode(97 + i)}`;
      const ts = await startTestServer({
        host: address,
        publicHost: address,
        database: { url: postgres.url },
        cluster: { redisUrl: redis.url, nodeId, keyPrefix, heartbeatMs },
        recording: { enabled: false },
        auth: { tokenSecret },
        media: { numWorkers: 1, listenIp: address, announcedAddress: address, rtcPort: 0 },
      });
      nodes.push({ ...ts, url: ts.server.url, nodeId, address });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    nodes,
    redis,
    postgres,
    client: (node, token, label) =>
      new PorchlightClient({
        url: node.url,
        token,
        ...(label ? { label } : {}),
        device: { handlerName: 'Chrome111' },
        socketOptions: { rejectUnauthorized: false },
      }),
    close,
  };
}
