import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TurnSupervisorError } from '../src/errors.ts';
import { stunProbe } from '../src/stunProbe.ts';
import { TurnSupervisor } from '../src/TurnSupervisor.ts';
import type { TurnUsageRecord } from '../src/usage.ts';
import {
  LOOPBACK,
  REALM,
  newSecret,
  runUclient,
  sleep,
  startPeer,
  startTurn,
  tempDir,
  uclientSucceeded,
  waitForEvent,
} from './helpers/env.ts';
import { isAlive } from '../../tests/support/process.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A stand-in "turnserver" script (for restart/kill timing without coturn's own behaviour). */
async function fakeBinary(body: string): Promise<{ binary: string; workDir: string }> {
  const dir = await tempDir('fake');
  cleanups.push(() => fs.promises.rm(dir, { recursive: true, force: true }));
  const binary = path.join(dir, 'fake-turnserver.sh');
  await fs.promises.writeFile(binary, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return { binary, workDir: path.join(dir, 'work') };
}

describe('TurnSupervisor with real coturn', () => {
  it('kill -9: restarts with a new pid, becomes healthy again, relays, and reports usage', async () => {
    const turn = await startTurn({ secrets: [newSecret()] });
    const peer = await startPeer();
    cleanups.push(
      () => turn.close(),
      () => peer.close(),
    );
    const sup = turn.supervisor;
    const oldPid = sup.pid!;
    expect(sup.healthy).toBe(true);

    const exited = waitForEvent(sup, 'exited');
    const unhealthy = waitForEvent(sup, 'unhealthy');
    const restarted = waitForEvent(sup, 'restarted');
    const t0 = performance.now();
    process.kill(oldPid, 'SIGKILL');

    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
    await unhealthy;
    const [newPid] = await restarted;
    expect(newPid).not.toBe(oldPid);
    await sup.ready(5000);
    const recoveryMs = performance.now() - t0;
    expect(sup.pid).toBe(newPid);
    expect(isAlive(newPid)).toBe(true);
    expect(recoveryMs).toBeLessThan(3000); // 200 ms backoff + start + first probe
    const probe = await stunProbe({ host: LOOPBACK, port: turn.port });
    expect(probe.mapped.address).toBe(LOOPBACK);

    // A fresh allocation through the new process relays, and its session-end usage is reported.
    const creds = sup.mintCredentials('after-crash');
    const usage = waitForEvent(
      sup,
      'usage',
      (r: TurnUsageRecord) => r.username === creds.username && !r.truncated,
      15_000,
    );
    const run = await runUclient({
      port: turn.port,
      peerPort: peer.port,
      username: creds.username,
      password: creds.credential,
      messages: 20,
      length: 100,
      intervalMs: 5,
    });
    expect(uclientSucceeded(run.output, 20), run.output).toBe(true);
    const [record] = await usage;
    expect(record).toMatchObject({ userId: 'after-crash', realm: REALM, truncated: false });
    // 20 x 100-byte messages each way through the relay, plus STUN control on the client side.
    expect(record.peerBytesSent).toBe(2000);
    expect(record.peerBytesReceived).toBe(2000);
    expect(record.bytesReceived).toBeGreaterThan(2000);
    expect(record.bytesSent).toBeGreaterThan(2000);
    // turnutils_peer listens on port and port+1; uclient picks one.
    expect([`${LOOPBACK}:${peer.port}`, `${LOOPBACK}:${peer.port + 1}`]).toContain(record.peer);
    expect(record.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(record.startedAt).toBeInstanceOf(Date);
  });

  it('a hung coturn (SIGSTOP) turns unhealthy; killed mid-probe, its successor becomes healthy', async () => {
    const turn = await startTurn(
      { secrets: [newSecret()] },
      {
        health: {
          intervalMs: 100,
          startupIntervalMs: 100,
          timeoutMs: 800,
          failuresBeforeUnhealthy: 2,
        },
      },
    );
    cleanups.push(() => turn.close());
    const sup = turn.supervisor;
    const pid = sup.pid!;
    const unhealthy = waitForEvent(sup, 'unhealthy');
    process.kill(pid, 'SIGSTOP');
    const [error] = await unhealthy;
    expect(error.name).toBe('StunProbeError');
    expect(sup.pid).toBe(pid); // hung, not dead: the supervisor reports, it does not kill
    await sleep(300); // now a probe is waiting out its 800 ms timeout
    const restarted = waitForEvent(sup, 'restarted');
    process.kill(pid, 'SIGKILL');
    const [newPid] = await restarted;
    expect(newPid).not.toBe(pid);
    await sup.ready(5000);
  });

  it('close(): idempotent, stops coturn, never restarts afterwards', async () => {
    const turn = await startTurn({ secrets: [newSecret()] });
    cleanups.push(() => turn.close());
    const sup = turn.supervisor;
    const pid = sup.pid!;
    let starts = 0;
    sup.on('started', () => starts++);
    const first = sup.close();
    expect(sup.close()).toBe(first);
    await first;
    expect(sup.closed).toBe(true);
    expect(sup.pid).toBeUndefined();
    expect(isAlive(pid)).toBe(false);
    await sleep(500);
    expect(starts).toBe(0);
    await expect(sup.ready()).rejects.toThrow(TurnSupervisorError);
    await expect(sup.updateSecrets([newSecret()])).rejects.toThrow(TurnSupervisorError);
    await sup.close(); // still fine
  });

  it('refuses a missing binary with a named error', async () => {
    const dir = await tempDir('nobin');
    cleanups.push(() => fs.promises.rm(dir, { recursive: true, force: true }));
    await expect(
      TurnSupervisor.create({
        config: { realm: REALM, secrets: [newSecret()] },
        workDir: dir,
        binary: path.join(dir, 'no-such-turnserver'),
      }),
    ).rejects.toThrow(TurnSupervisorError);
  });
});

describe('TurnSupervisor restart policy and stop (stand-in binary)', () => {
  it('backs off exponentially up to maxDelayMs between restarts of a crashing process', async () => {
    const { binary, workDir } = await fakeBinary('exit 3');
    const starts: number[] = [];
    const codes: (number | null)[] = [];
    const delays: number[] = [];
    const sup = await TurnSupervisor.create({
      config: { realm: REALM, secrets: [newSecret()], listeningPort: 9, listeningIps: [LOOPBACK] },
      workDir,
      binary,
      restartPolicy: { initialDelayMs: 50, multiplier: 2, maxDelayMs: 200 },
    });
    cleanups.push(() => sup.close());
    sup.on('started', () => starts.push(performance.now()));
    sup.on('exited', (code) => codes.push(code));
    sup.on('restartScheduled', (ms) => delays.push(ms));
    while (starts.length < 6) await sleep(25);
    // Five crashes led to the six starts; the sixth run may still be alive and die by close().
    const crashes = codes.slice(0, 5);
    await sup.close();
    // The policy: 50, 100, 200 (capped), 200 ... and each restart really waited that long
    // (only lower bounds on wall time: a loaded machine may be slower, never faster).
    expect(delays.slice(0, 5)).toEqual([50, 100, 200, 200, 200]);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    gaps
      .slice(0, 4)
      .forEach((gap, i) => expect(gap, `gap ${i}`).toBeGreaterThanOrEqual(delays[i]! - 5));
    expect(crashes).toEqual([3, 3, 3, 3, 3]);
    expect(sup.healthy).toBe(false);
  });

  it('close() escalates to SIGKILL when the process ignores SIGTERM', async () => {
    const { binary, workDir } = await fakeBinary(
      "trap '' TERM\necho ready\nwhile true; do sleep 0.05; done",
    );
    const sup = await TurnSupervisor.create({
      config: { realm: REALM, secrets: [newSecret()], listeningPort: 9, listeningIps: [LOOPBACK] },
      workDir,
      binary,
      closeTimeoutMs: 300,
    });
    cleanups.push(() => sup.close());
    await waitForEvent(sup, 'log', (l) => l.line === 'ready'); // trap installed
    const exited = waitForEvent(sup, 'exited');
    const t0 = performance.now();
    await sup.close();
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });
});
