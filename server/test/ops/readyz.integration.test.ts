import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Trusts the test server's self-signed certificate for fetch.
import '../../../tests/support/http.ts';
import { testTurnConfig } from '../../../tests/support/ports.ts';
import { parsePrometheus, sampleValue } from '../../../tests/support/prometheus.ts';
import { runUclient, startPeer, uclientSucceeded } from '../../../turn/test/helpers/env.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';

interface ReadyReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; enabled: boolean; reason?: string; detail?: string }>;
}

async function readyz(ts: TestServer): Promise<{ status: number; body: ReadyReport }> {
  const res = await fetch(`${ts.url}/readyz`);
  return { status: res.status, body: (await res.json()) as ReadyReport };
}

async function until(
  ts: TestServer,
  what: string,
  want: (r: { status: number; body: ReadyReport }) => boolean,
  timeoutMs = 40_000,
): Promise<{ status: number; body: ReadyReport }> {
  const start = Date.now();
  for (;;) {
    const r = await readyz(ts);
    if (want(r)) return r;
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(r)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('/readyz: storage', () => {
  let ts: TestServer;
  let storageDir: string;

  beforeAll(async () => {
    ts = await startTestServer();
    storageDir = path.join(ts.server.config.dataDir, 'recordings');
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('is 200 with every dependency up; /healthz stays liveness', async () => {
    const r = await readyz(ts);
    expect(r.status).toBe(200);
    expect(r.body.ready).toBe(true);
    expect(r.body.checks['database']?.ok).toBe(true);
    expect(r.body.checks['storage']?.ok).toBe(true);
    expect(r.body.checks['workers']).toMatchObject({ ok: true, detail: '1/1 live' });
    // TURN is off on this server: reported, never a reason to be unready.
    expect(r.body.checks['turn']).toMatchObject({ ok: true, enabled: false });
    expect((await fetch(`${ts.url}/healthz`)).status).toBe(200);
  });

  it('is 503 naming storage while the recordings directory cannot be written, 200 once it can', async () => {
    await readyz(ts); // the directory exists (the first probe created it)
    // The directory is replaced by a file: every write under it fails (even for root, unlike chmod).
    fs.renameSync(storageDir, `${storageDir}.away`);
    fs.writeFileSync(storageDir, 'not a directory');
    try {
      // Back-to-back requests share one run of the checks for a second.
      const down = await until(ts, 'storage down', (r) => r.status === 503);
      expect(down.body.ready).toBe(false);
      expect(down.body.checks['storage']).toMatchObject({ ok: false, reason: 'ENOTDIR' });
      expect(down.body.checks['database']?.ok).toBe(true);
      // The reason names the failure, never the path.
      expect(JSON.stringify(down.body)).not.toContain(ts.server.config.dataDir);
      expect((await fetch(`${ts.url}/healthz`)).status).toBe(200);
    } finally {
      fs.rmSync(storageDir);
      fs.renameSync(`${storageDir}.away`, storageDir);
    }
    const up = await until(ts, 'storage up', (r) => r.status === 200);
    expect(up.body.checks['storage']?.ok).toBe(true);
  });

  it('reports the workers down while none is live, ready again after the respawn', async () => {
    const slot = ts.server.pool.slots[0]!;
    // The pool respawns within ~100 ms, faster than polling: read the report the moment it dies.
    const duringDeath = new Promise<Awaited<ReturnType<typeof ts.server.ops.readiness.report>>>(
      (resolve) =>
        ts.server.pool.once('workerDied', () => resolve(ts.server.ops.readiness.report())),
    );
    const respawned = new Promise((resolve) => ts.server.pool.once('workerRespawned', resolve));
    process.kill(slot.worker.pid, 'SIGKILL');
    const down = await duringDeath;
    expect(down.ready).toBe(false);
    expect(down.checks['workers']).toMatchObject({ ok: false, reason: 'no live worker' });
    await respawned;
    const up = await until(ts, 'the respawned worker', (r) => r.status === 200);
    expect(up.body.checks['workers']).toMatchObject({ ok: true, detail: '1/1 live' });
    expect(ts.server.pool.slots[0]!.worker.pid).not.toBe(slot.worker.pid);
    const metrics = await (await fetch(`${ts.url}/metrics`)).text();
    expect(metrics).toMatch(/^porchlight_mediasoup_worker_restarts_total 1$/m);
  });
});

describe('coturn: /readyz and TURN metrics', () => {
  let ts: TestServer;

  beforeAll(async () => {
    ts = await startTestServer({ turn: await testTurnConfig() });
  });
  afterAll(async () => {
    const pid = ts?.server.turn?.supervisor.pid;
    if (pid !== undefined) process.kill(pid, 'SIGCONT');
    await ts?.close();
  });

  it('counts relayed TURN sessions and bytes in /metrics', async () => {
    await until(ts, 'coturn healthy', (r) => r.status === 200);
    const scrape = async () => parsePrometheus(await (await fetch(`${ts.url}/metrics`)).text());
    const before = await scrape();
    const peer = await startPeer();
    try {
      // A credential the server minted, as a client's ICE servers carry; uclient relays to an echo peer.
      const creds = ts.server.turn!.supervisor.mintCredentials(
        `account.ops-test.${ts.siteId}`,
        600,
      );
      const run = await runUclient({
        port: ts.server.config.turn.port,
        peerPort: peer.port,
        username: creds.username,
        password: creds.credential,
        messages: 20,
        length: 200,
        intervalMs: 5,
      });
      expect(uclientSucceeded(run.output, 20), run.output).toBe(true);
    } finally {
      peer.close();
    }
    const start = Date.now();
    let after = await scrape();
    // coturn logs the session's totals when it closes the allocation.
    while (
      sampleValue(after, 'porchlight_turn_sessions_total') <=
      sampleValue(before, 'porchlight_turn_sessions_total')
    ) {
      if (Date.now() - start > 30_000) throw new Error('no TURN session was counted');
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = await scrape();
    }
    const relayed = (direction: string): number =>
      sampleValue(after, 'porchlight_turn_relayed_bytes_total', { direction }) -
      sampleValue(before, 'porchlight_turn_relayed_bytes_total', { direction });
    expect(relayed('received')).toBeGreaterThanOrEqual(4_000);
    expect(relayed('sent')).toBeGreaterThanOrEqual(4_000);
    expect(sampleValue(after, 'porchlight_turn_up')).toBe(1);
  }, 60_000);

  it('is 503 naming turn while coturn does not answer, 200 when it answers again', async () => {
    const up = await until(ts, 'coturn healthy', (r) => r.status === 200);
    expect(up.body.checks['turn']).toMatchObject({ ok: true, enabled: true });
    const pid = ts.server.turn!.supervisor.pid!;
    // Stopped, not killed: the supervisor would restart a dead coturn at once.
    process.kill(pid, 'SIGSTOP');
    try {
      const down = await until(ts, 'coturn unhealthy', (r) => r.status === 503);
      expect(down.body.ready).toBe(false);
      expect(down.body.checks['turn']).toMatchObject({ ok: false, enabled: true });
      expect(down.body.checks['database']?.ok).toBe(true);
      const metrics = await (await fetch(`${ts.url}/metrics`)).text();
      expect(metrics).toMatch(/^porchlight_turn_up 0$/m);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await until(ts, 'coturn healthy again', (r) => r.status === 200);
    const metrics = await (await fetch(`${ts.url}/metrics`)).text();
    expect(metrics).toMatch(/^porchlight_turn_up 1$/m);
  }, 90_000);
});
