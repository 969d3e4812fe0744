import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '@porchlight/protocol';
import { setLogLevel } from '@porchlight/runtime';
import { PorchlightServer, type ServerOverrides } from '../../server/src/Server.ts';
import { AccessTokens } from '../../server/src/identity/authentication/AccessTokens.ts';
import { loadConfig } from '../../server/src/config/loadConfig.ts';
import type { ConfigInput } from '../../server/src/config/schema.ts';
import type { SiteRole } from '../../server/src/store/types.ts';
import { accountRecord, grantRecord } from './records.ts';
import { ensureTestCert } from './tlsFixture.ts';

export interface MintOptions {
  siteId?: string;
  /** Issue a token that expired this long ago (seconds) instead of a fresh one. */
  expiredSecondsAgo?: number;
  /** Device name (camera) or display name (viewer). */
  label?: string;
  /** Viewer: role on the site (default owner) and optional device scope. */
  siteRole?: SiteRole;
  deviceIds?: string[];
}

export interface TestServer {
  server: PorchlightServer;
  /** https://127.0.0.1:<port> */
  url: string;
  siteId: string;
  secret: string;
  /**
   * A real credential through the real identity model: 'camera' provisions a device in the site
   * (code -> credential -> device token); 'viewer' creates a person with a grant (access token).
   */
  mint(role: Role, options?: MintOptions): Promise<string>;
  /** Like mint, also returning the account or device id. */
  mintWithId(role: Role, options?: MintOptions): Promise<{ token: string; id: string }>;
  ensureSite(siteId: string): Promise<void>;
  /** A person who logs in with a password, optionally with a grant on a site. */
  createPerson(o: {
    email: string;
    password: string;
    isAdmin?: boolean;
    siteId?: string;
    siteRole?: SiteRole;
  }): Promise<string>;
  /** A single-use provisioning code for a new camera of the site. */
  provisioningCode(o?: {
    siteId?: string;
    name?: string;
  }): Promise<{ code: string; deviceId: string }>;
  close(): Promise<void>;
}

/**
 * A real server on port 0 with real mediasoup workers and a real SQLite database, bound to
 * loopback, with a throwaway data directory. Used by integration and end-to-end tests alike.
 */
export async function startTestServer(
  overrides: ConfigInput = {},
  /** E.g. `appsDir`: serve web apps built elsewhere (a bench's test-mode build). */
  serverOverrides: ServerOverrides = {},
): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-test-'));
  const secret = randomBytes(32).toString('base64url');
  const cert = ensureTestCert();
  const config = loadConfig(
    {
      host: '127.0.0.1',
      port: 0,
      publicHost: '127.0.0.1',
      dataDir,
      devBootstrap: false,
      // Lifecycle lines of every test server would drown the test output.
      logLevel: 'warn',
      tls: { certFile: cert.certFile, keyFile: cert.keyFile },
      ...overrides,
      // coturn only where a test is about relaying (it needs free fixed ports).
      turn: { enabled: false, ...overrides.turn },
      // The detector (TF.js in every camera page) and the server's detector host (a Chromium)
      // only where a test is about detection.
      detection: {
        enabledByDefault: false,
        ...overrides.detection,
        host: { enabled: false, ...overrides.detection?.host },
      },
      // Alarm evaluation only where a test is about alarms (their notices would reach sockets).
      alarms: { enabled: false, ...overrides.alarms },
      // Recorders (one ffmpeg per camera) only where a test is about recording.
      recording: { defaultMode: 'off', ...overrides.recording },
      auth: { tokenSecret: secret, ...overrides.auth },
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
  setLogLevel(config.logLevel);
  const server = await PorchlightServer.create(config, serverOverrides);
  const { store } = server;
  const { provisioning, accessTokens } = server.identity;
  const siteId = randomUUID();

  const ensureSite = async (id: string): Promise<void> => {
    if (!(await store.sites.get(id)))
      await store.sites.create({ id, name: `Site ${id.slice(0, 8)}`, createdAt: Date.now() });
  };
  const tokensAt = (o: MintOptions): AccessTokens =>
    o.expiredSecondsAgo === undefined
      ? accessTokens
      : new AccessTokens({ secret, now: () => Date.now() - 600_000 - o.expiredSecondsAgo! * 1000 });

  const mintWithId = async (
    role: Role,
    o: MintOptions = {},
  ): Promise<{ token: string; id: string }> => {
    const site = o.siteId ?? siteId;
    await ensureSite(site);
    if (role === 'camera') {
      const code = await provisioning.createCode({
        siteId: site,
        kind: 'camera',
        name: o.label ?? 'Camera',
        createdBy: 'test',
      });
      const { device } = await provisioning.redeem(code.code, {
        userAgent: 'test',
        firmware: null,
        address: '127.0.0.1',
      });
      return { token: (await tokensAt(o).issueDevice(device)).token, id: device.id };
    }
    const accountId = randomUUID();
    await store.accounts.create(accountRecord({ id: accountId, displayName: o.label ?? 'Viewer' }));
    await store.grants.create(
      grantRecord(accountId, site, o.siteRole ?? 'owner', { deviceIds: o.deviceIds ?? null }),
    );
    return { token: (await tokensAt(o).issueAccount(accountId)).token, id: accountId };
  };

  await ensureSite(siteId);
  const createPerson: TestServer['createPerson'] = async (o) => {
    const id = randomUUID();
    await store.accounts.create(
      accountRecord({
        id,
        email: o.email.toLowerCase(),
        displayName: o.email.split('@')[0]!,
        passwordHash: await server.identity.passwords.hash(o.password),
        isAdmin: o.isAdmin ?? false,
      }),
    );
    if (o.siteId !== undefined || o.siteRole !== undefined) {
      await store.grants.create(grantRecord(id, o.siteId ?? siteId, o.siteRole ?? 'owner'));
    }
    return id;
  };
  return {
    createPerson,
    provisioningCode: async (o = {}) => {
      const site = o.siteId ?? siteId;
      await ensureSite(site);
      const c = await provisioning.createCode({
        siteId: site,
        kind: 'camera',
        name: o.name ?? 'Camera',
        createdBy: 'test',
      });
      return { code: c.code, deviceId: c.deviceId };
    },
    server,
    url: `https://127.0.0.1:${server.port}`,
    siteId,
    secret,
    mint: async (role, o) => (await mintWithId(role, o)).token,
    mintWithId,
    ensureSite,
    close: async () => {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
