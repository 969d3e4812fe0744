import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Role } from '@porchlight/protocol';
import { PorchlightServer } from '../../server/src/Server.ts';
import { loadConfig } from '../../server/src/config/loadConfig.ts';
import type { ConfigInput } from '../../server/src/config/schema.ts';

export interface TestServer {
  server: PorchlightServer;
  /** https://127.0.0.1:<port> */
  url: string;
  siteId: string;
  mint(
    role: Role,
    options?: { siteId?: string; ttlSeconds?: number; label?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real server on port 0 with real mediasoup workers, bound to loopback, with a throwaway data
 * directory. Used by integration and end-to-end tests alike.
 */
export async function startTestServer(overrides: ConfigInput = {}): Promise<TestServer> {
  process.env['PORCHLIGHT_LOG_LEVEL'] ??= 'warn';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-test-'));
  const config = loadConfig(
    {
      host: '127.0.0.1',
      port: 0,
      publicHost: '127.0.0.1',
      dataDir,
      devBootstrap: false,
      ...overrides,
      media: {
        numWorkers: 1,
        listenIp: '127.0.0.1',
        announcedAddress: '127.0.0.1',
        rtcPort: 0,
        ...overrides.media,
      },
    },
    {},
  );
  const server = await PorchlightServer.create(config);
  const siteId = randomUUID();
  return {
    server,
    url: `https://127.0.0.1:${server.port}`,
    siteId,
    mint: (role, o = {}) =>
      server.tokens.mint({
        subject: `${role}-${randomUUID().slice(0, 8)}`,
        siteId: o.siteId ?? siteId,
        role,
        ...(o.label ? { label: o.label } : {}),
        ttlSeconds: o.ttlSeconds ?? 600,
      }),
    close: async () => {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
