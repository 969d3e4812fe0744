/**
 * TURN relay cost per CPU core: coturn 4.6.1 under TurnSupervisor (test mode, 127.0.0.1, one relay
 * thread unless --relay-threads, usage logging on as in production), driven by
 * turnutils_uclient against a turnutils_peer echo server. coturn's CPU is read from
 * /proc/<pid>/stat around each run, so "per core" = work / coturn CPU-seconds, independent of how
 * fast the load generator managed to go (uclient is single-threaded and usually the bottleneck
 * here; the "coturn CPU %" column shows how busy coturn really was).
 *   allocations  (a) uclient full sessions: 401 challenge, Allocate, Refresh, ChannelBinds,
 *                CreatePermission, one echoed message, Refresh(0); uclient also opens a spare
 *                allocation per client. Counted from coturn's own "new" session lines.
 *                (b) a minimal client on turn/src/stun.ts, many in flight: 401 challenge,
 *                authenticated Allocate, authenticated Refresh(0) — allocation cost alone.
 *   relay        parallel uclient processes, -m <clients> -n <messages> -l <bytes> -z 0, echoed
 *                by the peer; relayed bytes/packets from coturn's usage lines (peer side, both
 *                directions).
 * Results: bench/results/latest.{json,md} under "turn". Bounded: ~1 minute.
 *
 *   node --import tsx bench/turn.ts [--relay-threads=1] [--allocations=3000]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TurnSupervisor, type TurnUsageRecord } from '../turn/src/index.ts';
import { recordResult } from './lib/results.ts';
import { machineInfo, secondsSince, sleep } from './lib/resources.ts';
import { fmt } from './lib/stats.ts';
import { freePorts, uclient } from './turn/clients.ts';
import { LOOPBACK, RELAY_PORTS, RELAY_RUNS, RELAY_THREADS } from './turn/options.ts';
import { turnReport } from './turn/report.ts';
import {
  allocationsRun,
  relayRun,
  sessionsRun,
  type AllocResult,
  type RelayResult,
  type TurnRig,
} from './turn/runs.ts';

async function main(): Promise<void> {
  const started = performance.now();
  const machine = machineInfo();
  const workDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'porchlight-bench-turn-'));
  const listeningPort = await freePorts(1, 10_000, 15_000);
  const peerPort = await freePorts(2, 15_000, 20_000);
  // Relay range below the kernel's ephemeral range (32768+), so the minimal client's thousands
  // of short-lived sockets never sit on a relay port.
  const minPort = 21_000 + Math.floor(Math.random() * (32_000 - 21_000 - RELAY_PORTS));
  const secret = randomBytes(24).toString('hex');

  const supervisor = await TurnSupervisor.create({
    config: {
      realm: 'bench.porchlight',
      secrets: [secret],
      mode: 'test',
      listeningIps: [LOOPBACK],
      relayIps: [LOOPBACK],
      listeningPort,
      minPort,
      maxPort: minPort + RELAY_PORTS - 1,
      userQuota: 0,
      totalQuota: 0,
      maxBps: 0,
      relayThreads: RELAY_THREADS,
    },
    workDir,
    health: { intervalMs: 60_000 }, // keep probes out of the measurement
  });
  const peer = spawn('turnutils_peer', ['-L', LOOPBACK, '-p', String(peerPort)], {
    stdio: 'ignore',
  });
  const newSessions = new Map<string, number>();
  const usage: TurnUsageRecord[] = [];
  supervisor.on('log', ({ parsed: { event } }) => {
    if (event?.kind === 'session-new') {
      newSessions.set(event.username, (newSessions.get(event.username) ?? 0) + 1);
    }
  });
  supervisor.on('usage', (r) => usage.push(r));

  try {
    await supervisor.ready(10_000);
    await sleep(300);
    const pid = supervisor.pid!;
    const common = ['-p', String(listeningPort), '-e', LOOPBACK, '-r', String(peerPort)];
    const rig: TurnRig = {
      pid,
      listeningPort,
      common,
      mintCredentials: (userId) => supervisor.mintCredentials(userId),
      newSessions,
      usage,
    };

    // Warm-up: the first authentications open coturn's DB connections.
    {
      const c = supervisor.mintCredentials('warmup');
      await uclient([
        ...common,
        '-c',
        '-u',
        c.username,
        '-w',
        c.credential,
        '-n',
        '5',
        '-z',
        '5',
        LOOPBACK,
      ]);
    }

    const allocResults: AllocResult[] = [await sessionsRun(rig), await allocationsRun(rig)];
    for (const a of allocResults) {
      console.log(
        `${a.test}: ${a.allocations} allocations (${a.failed} failed: ${JSON.stringify(a.failures ?? {})}, ${a.retries ?? 0} port-reuse retries), coturn ${fmt(a.coturnCpuMs, 0)} ms CPU -> ${fmt(a.perCore, 0)}/s per core`,
      );
    }

    const relay: RelayResult[] = [];
    for (const cfg of RELAY_RUNS) {
      const result = await relayRun(rig, cfg);
      relay.push(result);
      console.log(
        `relay ${cfg.procs}×${cfg.clients} clients × ${cfg.messages} × ${cfg.bytes} B: ${fmt(result.relayedBytes / 1e6)} MB relayed, coturn ${fmt(result.coturnCpuMs, 0)} ms CPU (${fmt(result.coturnCpuPct, 0)}% of a core) -> ${fmt(result.mbpsPerCore, 0)} Mbps/core, ${fmt(result.kppsPerCore)} kpps/core, lost ${result.uclientLost}`,
      );
    }

    const { markdown, data } = turnReport(machine, allocResults, relay);
    const out = recordResult('turn', data, markdown, {
      durationSeconds: secondsSince(started),
      machine,
    });
    console.log(`\n${markdown}\n\nwrote ${out.md}`);
  } finally {
    peer.kill('SIGKILL');
    await supervisor.close();
    await fs.promises.rm(workDir, { recursive: true, force: true });
  }
}

await main();
