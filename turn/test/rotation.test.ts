import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { mintTurnCredentials } from '../src/credentials.ts';
import { TurnSupervisorError } from '../src/errors.ts';
import type { TurnLogLine } from '../src/TurnSupervisor.ts';
import {
  LOOPBACK,
  newSecret,
  runUclient,
  sleep,
  startCountingPeer,
  startPeer,
  startTurn,
  uclientSucceeded,
  waitForEvent,
  type TestTurn,
} from './helpers/env.ts';
import { TurnTestClient } from './helpers/TurnTestClient.ts';

/**
 * Secret rotation without dropping live allocations. Findings these tests pin down (coturn 4.6.1):
 *  - static-auth-secret is read once: SIGHUP does not re-read it, and a restart drops allocations;
 *  - secrets in the sqlite turn_secret table are read per new authentication;
 *  - a live session keeps the key it authenticated with: refresh/permission requests succeed
 *    after its secret is deleted, its credentials expired and its nonce went stale.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function turnClient(
  turn: TestTurn,
  secret: string,
  userId: string,
  ttlSeconds?: number,
): Promise<TurnTestClient> {
  const creds = mintTurnCredentials({
    secret,
    userId,
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
  });
  const c = await TurnTestClient.create({
    server: { host: LOOPBACK, port: turn.port },
    username: creds.username,
    password: creds.credential,
  });
  cleanups.push(() => c.close());
  return c;
}

describe('secret rotation (sqlite store, the default)', () => {
  it('an allocation made with the old secret keeps relaying; new secret works; old secret refused', async () => {
    const oldSecret = newSecret();
    const newSecretValue = newSecret();
    // Short nonce lifetime so the old session must re-authenticate (438 -> retry) after rotation.
    const turn = await startTurn({ secrets: [oldSecret], staleNonceSeconds: 2 });
    cleanups.push(() => turn.close());
    const [echo, peer] = await Promise.all([startCountingPeer(), startPeer()]);
    cleanups.push(
      () => echo.close(),
      () => peer.close(),
    );
    const log: TurnLogLine[] = [];
    turn.supervisor.on('log', (l) => log.push(l));
    let exits = 0;
    turn.supervisor.on('exited', () => exits++);
    const pid = turn.supervisor.pid;

    // 1. Live allocation with the old secret and credentials that expire in 2 s.
    const live = await turnClient(turn, oldSecret, 'live-viewer', 2);
    expect((await live.allocate()).ok).toBe(true);
    expect((await live.createPermission(LOOPBACK)).ok).toBe(true);
    let echoed = live.receive('before');
    live.send({ address: LOOPBACK, port: echo.port }, Buffer.from('before'));
    await echoed;

    // 2. A uclient stream with old credentials, running through the rotation (~3 s).
    const oldCreds = mintTurnCredentials({ secret: oldSecret, userId: 'old-stream' });
    const background = runUclient({
      port: turn.port,
      peerPort: peer.port,
      username: oldCreds.username,
      password: oldCreds.credential,
      messages: 60,
      intervalMs: 25,
    });
    await sleep(500);

    // 3. Rotate: add the new secret first (both valid), then drop the old one. No restart.
    await turn.supervisor.updateSecrets([newSecretValue, oldSecret]);
    await turn.supervisor.updateSecrets([newSecretValue]);
    expect(turn.supervisor.pid).toBe(pid);
    expect(turn.supervisor.turnConfig.currentSecret).toBe(newSecretValue);

    // 4. New credentials (minted by the supervisor with the current secret) work...
    const fresh = turn.supervisor.mintCredentials('new-viewer');
    const freshRun = runUclient({
      port: turn.port,
      peerPort: peer.port,
      username: fresh.username,
      password: fresh.credential,
      messages: 10,
      intervalMs: 5,
    });
    // ...and brand-new allocations with the old secret are refused.
    const stale = await turnClient(turn, oldSecret, 'late-old');
    const refused = await stale.allocate();
    expect(refused.code).toBe(401);

    // 5. After the nonce went stale and the credentials expired, the live allocation still
    //    refreshes, renews its permission and relays: coturn kept its key.
    await sleep(2500);
    const refreshed = await live.refresh(600);
    expect(refreshed.ok).toBe(true);
    expect(live.staleNonceRetries).toBeGreaterThanOrEqual(1);
    expect((await live.createPermission(LOOPBACK)).ok).toBe(true);
    echoed = live.receive('after');
    live.send({ address: LOOPBACK, port: echo.port }, Buffer.from('after'));
    await echoed;

    const [bg, fr] = await Promise.all([background, freshRun]);
    expect(uclientSucceeded(bg.output, 60), bg.output).toBe(true);
    expect(uclientSucceeded(fr.output, 10), fr.output).toBe(true);
    expect(exits).toBe(0);
    expect(turn.supervisor.pid).toBe(pid);
    const liveUser = log.find(
      (l) =>
        l.parsed.event?.kind === 'session-new' && l.parsed.event.username.endsWith(':live-viewer'),
    );
    const liveErrors = log.flatMap(({ parsed: { event } }) =>
      event?.kind === 'request' && event.username.endsWith(':live-viewer') && !event.ok
        ? [event.errorCode]
        : [],
    );
    expect(liveUser).toBeDefined();
    expect(liveErrors.every((code) => code === 438)).toBe(true); // stale nonce only, never 401
  });

  it('the secrets DB and the conf are owner-only; the conf holds no secret', async () => {
    const secret = newSecret();
    const turn = await startTurn({ secrets: [secret] });
    cleanups.push(() => turn.close());
    const conf = await fs.promises.readFile(turn.supervisor.confPath, 'utf8');
    expect(conf).not.toContain(secret);
    expect((await fs.promises.stat(turn.supervisor.confPath)).mode & 0o777).toBe(0o600);
    const db = turn.supervisor.turnConfig.options.userDbPath!;
    const dbFiles = (await fs.promises.readdir(turn.workDir)).filter((f) => f.startsWith('turndb'));
    expect(dbFiles).toEqual(expect.arrayContaining(['turndb', 'turndb-wal', 'turndb-shm'])); // WAL mode
    for (const f of dbFiles) {
      expect((await fs.promises.stat(`${turn.workDir}/${f}`)).mode & 0o777, f).toBe(0o600);
    }
    expect(db).toBe(`${turn.workDir}/turndb`);
  });
});

describe('static secrets (why the sqlite store exists)', () => {
  it('SIGHUP does not re-read static-auth-secret; only a restart (dropping allocations) does', async () => {
    const a = newSecret();
    const b = newSecret();
    const turn = await startTurn({ secrets: [a], secretStore: 'static' });
    cleanups.push(() => turn.close());
    const pid = turn.supervisor.pid!;

    // Put B in the file by hand and SIGHUP: coturn keeps accepting only A.
    const conf = await fs.promises.readFile(turn.supervisor.confPath, 'utf8');
    await fs.promises.writeFile(
      turn.supervisor.confPath,
      conf.replace(`static-auth-secret=${a}`, `static-auth-secret=${b}`),
    );
    process.kill(pid, 'SIGHUP');
    await sleep(300);
    expect(turn.supervisor.pid).toBe(pid);
    expect((await (await turnClient(turn, b, 'b-after-hup')).allocate()).code).toBe(401);
    const survivor = await turnClient(turn, a, 'a-after-hup');
    expect((await survivor.allocate()).ok).toBe(true);

    // The supervisor will not silently restart for a rotation...
    await expect(turn.supervisor.updateSecrets([b])).rejects.toThrow(TurnSupervisorError);
    // ...and when allowed to, the restart kills the live allocation.
    const restarted = waitForEvent(turn.supervisor, 'restarted');
    await turn.supervisor.updateSecrets([b], { allowRestart: true });
    const [newPid] = await restarted;
    expect(newPid).not.toBe(pid);
    await turn.supervisor.ready();
    expect((await (await turnClient(turn, b, 'b-after-restart')).allocate()).ok).toBe(true);
    const lost = await survivor.refresh(600);
    // The new process knows neither the session nor secret A any more.
    expect({ ok: lost.ok, code: lost.code }).toEqual({ ok: false, code: 401 });
  });
});
