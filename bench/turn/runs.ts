/**
 * The TURN bench's measurements against a running coturn: uclient full sessions, minimal-client
 * allocations and relay runs, each costed in coturn CPU from /proc/<pid>/stat.
 */
import type { TurnUsageRecord } from '../../turn/src/index.ts';
import { processCpuMs, secondsSince, sleep, systemBusyPct, systemCpu } from '../lib/resources.ts';
import { ratio } from '../lib/stats.ts';
import { allocate, uclients } from './clients.ts';
import {
  ALLOC_CONCURRENCY,
  ALLOCATIONS,
  LOOPBACK,
  SESSION_CLIENTS,
  SESSION_PROCS,
  type RELAY_RUNS,
} from './options.ts';

export interface AllocResult {
  test: string;
  allocations: number;
  failed: number;
  failures?: Record<string, number>;
  /** Fresh-socket retries after a reused source port met its lingering allocation (437). */
  retries?: number;
  coturnCpuMs: number;
  wallSeconds: number;
  perCore: number;
}

export interface RelayResult {
  procs: number;
  clients: number;
  messages: number;
  bytes: number;
  wallSeconds: number;
  coturnCpuMs: number;
  /** coturn CPU over the run, % of one core. */
  coturnCpuPct: number;
  machineBusyPct: number;
  relayedBytes: number;
  relayedPackets: number;
  sessions: number;
  uclientLost: number;
  uclientSent: number;
  mbpsPerCore: number;
  kppsPerCore: number;
  wallMbps: number;
}

/** The coturn under test and what its log told so far. */
export interface TurnRig {
  /** coturn's pid. */
  pid: number;
  listeningPort: number;
  /** uclient arguments every run shares (server port, peer address). */
  common: string[];
  mintCredentials(userId: string): { username: string; credential: string };
  /** Sessions coturn logged as new, by username. */
  newSessions: Map<string, number>;
  usage: TurnUsageRecord[];
}

/** uclient full sessions, counted from coturn's own "new" session lines. */
export async function sessionsRun(rig: TurnRig): Promise<AllocResult> {
  const c = rig.mintCredentials('sessions');
  const cpu0 = processCpuMs(rig.pid);
  const run = await uclients(SESSION_PROCS, [
    ...rig.common,
    '-c',
    '-m',
    String(SESSION_CLIENTS),
    '-n',
    '1',
    '-z',
    '5',
    '-u',
    c.username,
    '-w',
    c.credential,
    LOOPBACK,
  ]);
  await sleep(1500); // sessions close ~1 s after Refresh(0)
  const cpuMs = processCpuMs(rig.pid) - cpu0;
  const n = rig.newSessions.get(c.username) ?? 0;
  return {
    test: `uclient full sessions (${SESSION_PROCS} × -m ${SESSION_CLIENTS} -n 1)`,
    allocations: n,
    failed: run.outputs.filter((o) => !/Total lost packets 0 /.test(o)).length,
    coturnCpuMs: cpuMs,
    wallSeconds: run.seconds,
    perCore: ratio(n, cpuMs / 1000),
  };
}

/** The minimal client, ALLOC_CONCURRENCY allocations in flight: allocation cost alone. */
export async function allocationsRun(rig: TurnRig): Promise<AllocResult> {
  const c = rig.mintCredentials('allocs');
  const cpu0 = processCpuMs(rig.pid);
  const t0 = performance.now();
  let next = 0;
  let ok = 0;
  let failed = 0;
  const failures: Record<string, number> = {};
  let retries = 0;
  await Promise.all(
    Array.from({ length: ALLOC_CONCURRENCY }, async () => {
      while (next < ALLOCATIONS) {
        next++;
        const { outcome, retries: r } = await allocate(rig.listeningPort, c.username, c.credential);
        retries += r;
        if (outcome === 'ok') ok++;
        else {
          failed++;
          failures[outcome] = (failures[outcome] ?? 0) + 1;
        }
      }
    }),
  );
  const wall = secondsSince(t0);
  await sleep(300);
  const cpuMs = processCpuMs(rig.pid) - cpu0;
  return {
    test: `minimal client: challenge + Allocate + Refresh(0), ${ALLOC_CONCURRENCY} in flight`,
    allocations: ok,
    failed,
    failures,
    retries,
    coturnCpuMs: cpuMs,
    wallSeconds: wall,
    perCore: ratio(ok, cpuMs / 1000),
  };
}

/** Parallel uclients echoed by the peer; relayed bytes/packets from coturn's usage lines. */
export async function relayRun(
  rig: TurnRig,
  cfg: (typeof RELAY_RUNS)[number],
): Promise<RelayResult> {
  const c = rig.mintCredentials(`relay-${cfg.bytes}`);
  const sys0 = systemCpu();
  const cpu0 = processCpuMs(rig.pid);
  const run = await uclients(cfg.procs, [
    ...rig.common,
    '-c',
    '-m',
    String(cfg.clients),
    '-n',
    String(cfg.messages),
    '-l',
    String(cfg.bytes),
    '-z',
    '0',
    '-u',
    c.username,
    '-w',
    c.credential,
    LOOPBACK,
  ]);
  const cpuMs = processCpuMs(rig.pid) - cpu0;
  const busy = systemBusyPct(sys0, systemCpu());
  // Sessions close ~1 s after uclient's final Refresh(0); their usage lines carry the bytes.
  const expected = cfg.procs * cfg.clients;
  const mine = (): TurnUsageRecord[] =>
    rig.usage.filter((u) => u.username === c.username && (u.peerBytesSent ?? 0) > 0);
  const deadline = Date.now() + 5000;
  while (mine().length < expected && Date.now() < deadline) await sleep(100);
  const records = mine();
  const relayedBytes = records.reduce(
    (a, u) => a + (u.peerBytesSent ?? 0) + (u.peerBytesReceived ?? 0),
    0,
  );
  const relayedPackets = records.reduce(
    (a, u) => a + (u.peerPacketsSent ?? 0) + (u.peerPacketsReceived ?? 0),
    0,
  );
  const lost = run.outputs.reduce(
    (a, o) => a + Number(/Total lost packets (\d+)/.exec(o)?.[1] ?? NaN),
    0,
  );
  return {
    ...cfg,
    wallSeconds: run.seconds,
    coturnCpuMs: cpuMs,
    coturnCpuPct: (cpuMs / 1000 / run.seconds) * 100,
    machineBusyPct: busy,
    relayedBytes,
    relayedPackets,
    sessions: records.length,
    uclientLost: lost,
    uclientSent: expected * cfg.messages,
    mbpsPerCore: ratio((relayedBytes * 8) / 1e6, cpuMs / 1000),
    kppsPerCore: ratio(relayedPackets / 1000, cpuMs / 1000),
    wallMbps: (relayedBytes * 8) / 1e6 / run.seconds,
  };
}
