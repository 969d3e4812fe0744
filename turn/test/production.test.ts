import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintTurnCredentials } from '../src/credentials.ts';
import {
  LOOPBACK,
  newSecret,
  runUclient,
  sleep,
  startCountingPeer,
  startTurn,
  uclientSucceeded,
  type TestTurn,
} from './helpers/env.ts';
import { TurnTestClient } from './helpers/TurnTestClient.ts';

/**
 * coturn started with the PRODUCTION config (only its listener is moved to 127.0.0.1) must not
 * relay into loopback or private networks: the SSRF a TURN server otherwise opens into the host
 * it runs on. Private addresses are only ever named in CreatePermission requests, which send
 * nothing to the peer; the only address that could receive data is 127.0.0.1.
 */

const secret = newSecret();
let turn: TestTurn;
let peer: Awaited<ReturnType<typeof startCountingPeer>>;

beforeAll(async () => {
  [turn, peer] = await Promise.all([
    startTurn({ secrets: [secret], mode: 'production' }),
    startCountingPeer(),
  ]);
});

afterAll(async () => {
  peer?.close();
  await turn?.close();
});

async function client(userId: string): Promise<TurnTestClient> {
  const creds = mintTurnCredentials({ secret, userId });
  return TurnTestClient.create({
    server: { host: LOOPBACK, port: turn.port },
    username: creds.username,
    password: creds.credential,
  });
}

describe('production config', () => {
  it('is really the production config', async () => {
    const conf = await fs.promises.readFile(turn.supervisor.confPath, 'utf8');
    expect(conf).toMatch(/^no-cli$/m);
    expect(conf).not.toMatch(/^allow-loopback-peers$/m);
    expect(conf).toMatch(/^denied-peer-ip=127\.0\.0\.0-127\.255\.255\.255$/m);
  });

  it('uclient cannot relay to 127.0.0.1: 403 Forbidden IP', async () => {
    const creds = mintTurnCredentials({ secret, userId: 'prod-uclient' });
    const run = await runUclient({
      port: turn.port,
      peerPort: peer.port,
      username: creds.username,
      password: creds.credential,
      messages: 5,
      intervalMs: 5,
    });
    expect(run.output).toMatch(/error 403 \(Forbidden IP\)/);
    expect(uclientSucceeded(run.output, 5)).toBe(false);
    expect(peer.received).toHaveLength(0);
  });

  it('refuses permissions for loopback and private ranges, and relays nothing', async () => {
    const c = await client('prod-own');
    try {
      expect((await c.allocate()).ok).toBe(true); // allocation itself is fine
      for (const ip of [
        '127.0.0.1',
        '127.1.2.3',
        '0.0.0.0',
        '10.0.0.1',
        '100.64.0.1',
        '169.254.169.254', // cloud metadata endpoint
        '172.16.5.4',
        '192.168.1.1',
      ]) {
        const res = await c.createPermission(ip);
        expect({ ip, ok: res.ok, code: res.code, reason: res.reason }).toEqual({
          ip,
          ok: false,
          code: 403,
          reason: 'Forbidden IP',
        });
      }
      c.send({ address: LOOPBACK, port: peer.port }, Buffer.from('must-not-arrive'));
      await sleep(300);
      expect(peer.received).toHaveLength(0);
    } finally {
      c.close();
    }
  });
});
