import '../../../tests/support/http.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import {
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  protocolVersionRefusalSchema,
  type ProtocolVersionRange,
} from '@porchlight/protocol';
import wrtc from '@roamhq/wrtc';
import { PorchlightApi, PorchlightClient, ProtocolVersionError } from '@porchlight/sdk';
import { createNodeClient } from '@porchlight/sdk/node';
import { TEST_SOCKET_OPTIONS } from '../../../tests/support/rawClient.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';

/** A handshake with this auth: 'connected', or the refusal's `data`. */
function handshake(url: string, auth: Record<string, unknown>): Promise<'connected' | unknown> {
  const socket = io(url, { auth, ...TEST_SOCKET_OPTIONS });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      socket.close();
      resolve(err.data ?? err.message);
    });
  });
}

async function listSites(url: string, token: string, version?: string) {
  const response = await fetch(`${url}/api/v1/sites`, {
    headers: {
      authorization: `Bearer ${token}`,
      ...(version !== undefined ? { [PROTOCOL_HEADER]: version } : {}),
    },
  });
  return {
    status: response.status,
    header: response.headers.get(PROTOCOL_HEADER),
    body: (await response.json()) as { error?: { code: string; protocol?: unknown } },
  };
}

describe('protocol version negotiation against a server of this build', () => {
  let ts: TestServer;
  let token: string;
  beforeAll(async () => {
    ts = await startTestServer();
    token = await ts.mint('viewer');
  });
  afterAll(() => ts?.close());

  it('accepts a socket client of the same version, and one that sends none', async () => {
    expect(await handshake(ts.url, { token, protocol: PROTOCOL_VERSION })).toBe('connected');
    expect(await handshake(ts.url, { token })).toBe('connected');
  });

  it('refuses older and newer socket clients with PROTOCOL_VERSION and both versions', async () => {
    for (const client of [PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1]) {
      const refusal = await handshake(ts.url, { token, protocol: client });
      expect(protocolVersionRefusalSchema.safeParse(refusal).success).toBe(true);
      expect(refusal).toEqual({
        code: 'PROTOCOL_VERSION',
        message: expect.stringContaining(`protocol version ${client} is not supported`),
        client,
        server: { min: PROTOCOL_VERSION, max: PROTOCOL_VERSION },
      });
    }
    // Checked before the token: a client from another era learns why even with a bad token.
    expect(await handshake(ts.url, { token: 'nonsense', protocol: PROTOCOL_VERSION + 1 })).toEqual(
      expect.objectContaining({ code: 'PROTOCOL_VERSION' }),
    );
  });

  it('answers REST calls of the same version (or none) and says its own', async () => {
    for (const version of [String(PROTOCOL_VERSION), undefined]) {
      const r = await listSites(ts.url, token, version);
      expect(r.status).toBe(200);
      expect(r.header).toBe(String(PROTOCOL_VERSION));
    }
  });

  it('refuses REST calls of older and newer versions with 400 and the refusal', async () => {
    for (const client of [PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1]) {
      const r = await listSites(ts.url, token, String(client));
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({
        code: 'BAD_REQUEST',
        protocol: { code: 'PROTOCOL_VERSION', client, server: { min: 1, max: PROTOCOL_VERSION } },
      });
    }
    const malformed = await listSites(ts.url, token, 'v1; drop table');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('the SDK of this build connects (Node, over wrtc) and calls the API', async () => {
    const client = createNodeClient({
      url: ts.url,
      token,
      wrtc,
      socketOptions: { rejectUnauthorized: false },
    });
    try {
      await expect(client.connect()).resolves.toMatchObject({ role: 'viewer' });
    } finally {
      client.close();
    }
    const api = new PorchlightApi({ url: ts.url, getToken: () => token });
    expect((await api.listSites()).length).toBeGreaterThan(0);
  });
});

/** The SDK against servers of another era: a named error with both versions, no retry loop. */
describe.each([
  ['older than the server accepts', { min: PROTOCOL_VERSION + 1, max: PROTOCOL_VERSION + 2 }],
  ['newer than the server speaks', { min: PROTOCOL_VERSION - 1, max: PROTOCOL_VERSION - 1 }],
] as [string, ProtocolVersionRange][])('an SDK client %s', (_, range) => {
  let ts: TestServer;
  let token: string;
  beforeAll(async () => {
    ts = await startTestServer({}, { protocolVersions: range });
    token = await ts.mint('viewer');
  });
  afterAll(() => ts?.close());

  it('fails connect() with ProtocolVersionError and closes', async () => {
    const client = new PorchlightClient({
      url: ts.url,
      token,
      socketOptions: { rejectUnauthorized: false },
    });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    const failure = await client.connect().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProtocolVersionError);
    expect(failure).toMatchObject({
      code: 'PROTOCOL_VERSION',
      clientVersion: PROTOCOL_VERSION,
      server: range,
    });
    expect(client.state).toBe('closed');
    expect(errors).toEqual([failure]);
  });

  it('fails REST calls with ProtocolVersionError', async () => {
    const api = new PorchlightApi({ url: ts.url, getToken: () => token });
    const failure = await api.listSites().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProtocolVersionError);
    expect(failure).toMatchObject({ clientVersion: PROTOCOL_VERSION, server: range });
  });
});
