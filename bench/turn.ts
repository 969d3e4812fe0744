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
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TurnSupervisor, type TurnUsageRecord } from '../turn/src/index.ts';
import { longTermKey, StunAttr, StunClass, StunMessage, StunMethod } from '../turn/src/stun.ts';
import { mdTable, recordResult } from './lib/results.ts';
import {
  machineInfo,
  processCpuMs,
  secondsSince,
  sleep,
  systemBusyPct,
  systemCpu,
} from './lib/resources.ts';
import { fmt, ratio } from './lib/stats.ts';

function arg(name: string): string | undefined {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit?.slice(hit.indexOf('=') + 1);
}

const LOOPBACK = '127.0.0.1';
const RELAY_THREADS = Number(arg('relay-threads') ?? 1);
/** Minimal-client allocations (each: challenge, Allocate, Refresh(0)), this many in flight. */
const ALLOCATIONS = Number(arg('allocations') ?? 3000);
const ALLOC_CONCURRENCY = 50;
/** uclient full sessions: processes x clients each. */
const SESSION_PROCS = 4;
const SESSION_CLIENTS = 10;
/** Relay runs: parallel uclient processes x clients x messages of `bytes`, echoed back. */
const RELAY_RUNS = [
  { procs: 4, clients: 10, messages: 1000, bytes: 1000 },
  { procs: 4, clients: 10, messages: 1000, bytes: 200 },
];
/**
 * One relay port per allocation, held ~1 s past Refresh(0) and until timeout for uclient's spare
 * allocations: at ~2,500 allocations/s a 2,000-port range ran out (508), hence 10,000.
 */
const RELAY_PORTS = 10_000;
/** Reference loads for "equivalent" capacity: G.711 audio leg (50 pps each way) and a camera. */
const AUDIO_CALL_PPS = 100;
const CAMERA_MBPS = 2;

async function portFree(port: number): Promise<boolean> {
  const udp = dgram.createSocket('udp4');
  const tcp = net.createServer();
  try {
    await new Promise<void>((res, rej) => {
      udp.once('error', rej);
      udp.bind(port, LOOPBACK, () => res());
    });
    await new Promise<void>((res, rej) => {
      tcp.once('error', rej);
      tcp.listen(port, LOOPBACK, () => res());
    });
    return true;
  } catch {
    return false;
  } finally {
    udp.close();
    tcp.close();
  }
}

async function freePorts(count: number, lo: number, hi: number): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const base = lo + Math.floor(Math.random() * (hi - lo - count));
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await portFree(p);
    if (ok) return base;
  }
  throw new Error('no free ports');
}

interface UclientRun {
  output: string;
  seconds: number;
}

function uclient(args: string[], timeoutMs = 40_000): Promise<UclientRun> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn('turnutils_uclient', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ output, seconds: secondsSince(t0) });
    });
  });
}

/** `procs` uclient processes at once (one is single-threaded and timer-paced). */
async function uclients(
  procs: number,
  args: string[],
): Promise<{ outputs: string[]; seconds: number }> {
  const t0 = performance.now();
  const runs = await Promise.all(Array.from({ length: procs }, () => uclient(args)));
  return { outputs: runs.map((r) => r.output), seconds: secondsSince(t0) };
}

/** One STUN transaction over UDP with retransmission (250 ms) and a 3 s timeout. */
function transact(
  socket: dgram.Socket,
  port: number,
  msg: StunMessage,
  key?: Buffer,
): Promise<StunMessage> {
  const bytes = msg.encode({ ...(key ? { integrityKey: key } : {}), fingerprint: true });
  return new Promise((resolve, reject) => {
    const send = (): void => socket.send(bytes, port, LOOPBACK);
    const resend = setInterval(send, 250);
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error('STUN timeout'));
    }, 3000);
    const onMessage = (buf: Buffer): void => {
      if (!StunMessage.isStun(buf)) return;
      const m = StunMessage.decode(buf);
      if (!m.transactionId.equals(msg.transactionId)) return;
      cleanup();
      resolve(m);
    };
    const cleanup = (): void => {
      clearInterval(resend);
      clearTimeout(timer);
      socket.off('message', onMessage);
    };
    socket.on('message', onMessage);
    send();
  });
}

/** challenge -> authenticated Allocate -> authenticated Refresh(0); 'ok' or why not. */
async function allocateOnce(port: number, username: string, password: string): Promise<string> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, LOOPBACK, () => r()));
  try {
    const allocate = (): StunMessage =>
      new StunMessage(StunMethod.Allocate, StunClass.Request).addUInt32(
        StunAttr.RequestedTransport,
        17 << 24,
      );
    const challenge = await transact(socket, port, allocate());
    const realm = challenge.getString(StunAttr.Realm);
    const nonce = challenge.getString(StunAttr.Nonce);
    if (challenge.getError()?.code !== 401 || realm === undefined || nonce === undefined) {
      return `challenge ${challenge.getError()?.code ?? 'success?'}`;
    }
    const key = longTermKey(username, realm, password);
    const auth = (m: StunMessage): StunMessage =>
      m
        .addString(StunAttr.Username, username)
        .addString(StunAttr.Realm, realm)
        .addString(StunAttr.Nonce, nonce);
    const allocated = await transact(socket, port, auth(allocate()), key);
    if (allocated.cls !== StunClass.SuccessResponse) {
      return `allocate ${allocated.getError()?.code} ${allocated.getError()?.reason}`;
    }
    const freed = await transact(
      socket,
      port,
      auth(new StunMessage(StunMethod.Refresh, StunClass.Request).addUInt32(StunAttr.Lifetime, 0)),
      key,
    );
    return freed.cls === StunClass.SuccessResponse ? 'ok' : `refresh ${freed.getError()?.code}`;
  } catch (error) {
    return (error as Error).message;
  } finally {
    socket.close();
  }
}

/**
 * allocateOnce, retried when the kernel hands out a source port whose previous allocation coturn
 * still holds (~1 s after Refresh(0)): that 5-tuple gets 437 Allocation Mismatch.
 */
async function allocate(
  port: number,
  username: string,
  password: string,
): Promise<{ outcome: string; retries: number }> {
  for (let retries = 0; ; retries++) {
    const outcome = await allocateOnce(port, username, password);
    if (outcome !== 'challenge 437' || retries === 3) return { outcome, retries };
  }
}

interface AllocResult {
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

interface RelayResult {
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

    const allocResults: AllocResult[] = [];
    {
      const c = supervisor.mintCredentials('sessions');
      const cpu0 = processCpuMs(pid);
      const run = await uclients(SESSION_PROCS, [
        ...common,
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
      const cpuMs = processCpuMs(pid) - cpu0;
      const n = newSessions.get(c.username) ?? 0;
      allocResults.push({
        test: `uclient full sessions (${SESSION_PROCS} × -m ${SESSION_CLIENTS} -n 1)`,
        allocations: n,
        failed: run.outputs.filter((o) => !/Total lost packets 0 /.test(o)).length,
        coturnCpuMs: cpuMs,
        wallSeconds: run.seconds,
        perCore: ratio(n, cpuMs / 1000),
      });
    }
    {
      const c = supervisor.mintCredentials('allocs');
      const cpu0 = processCpuMs(pid);
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
            const { outcome, retries: r } = await allocate(listeningPort, c.username, c.credential);
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
      const cpuMs = processCpuMs(pid) - cpu0;
      allocResults.push({
        test: `minimal client: challenge + Allocate + Refresh(0), ${ALLOC_CONCURRENCY} in flight`,
        allocations: ok,
        failed,
        failures,
        retries,
        coturnCpuMs: cpuMs,
        wallSeconds: wall,
        perCore: ratio(ok, cpuMs / 1000),
      });
    }
    for (const a of allocResults) {
      console.log(
        `${a.test}: ${a.allocations} allocations (${a.failed} failed: ${JSON.stringify(a.failures ?? {})}, ${a.retries ?? 0} port-reuse retries), coturn ${fmt(a.coturnCpuMs, 0)} ms CPU -> ${fmt(a.perCore, 0)}/s per core`,
      );
    }

    const relay: RelayResult[] = [];
    for (const cfg of RELAY_RUNS) {
      const c = supervisor.mintCredentials(`relay-${cfg.bytes}`);
      const sys0 = systemCpu();
      const cpu0 = processCpuMs(pid);
      const run = await uclients(cfg.procs, [
        ...common,
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
      const cpuMs = processCpuMs(pid) - cpu0;
      const busy = systemBusyPct(sys0, systemCpu());
      // Sessions close ~1 s after uclient's final Refresh(0); their usage lines carry the bytes.
      const expected = cfg.procs * cfg.clients;
      const mine = (): TurnUsageRecord[] =>
        usage.filter((u) => u.username === c.username && (u.peerBytesSent ?? 0) > 0);
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
      const result: RelayResult = {
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
      relay.push(result);
      console.log(
        `relay ${cfg.procs}×${cfg.clients} clients × ${cfg.messages} × ${cfg.bytes} B: ${fmt(relayedBytes / 1e6)} MB relayed, coturn ${fmt(cpuMs, 0)} ms CPU (${fmt(result.coturnCpuPct, 0)}% of a core) -> ${fmt(result.mbpsPerCore, 0)} Mbps/core, ${fmt(result.kppsPerCore)} kpps/core, lost ${lost}`,
      );
    }

    const best = relay.reduce((a, b) => (b.kppsPerCore > a.kppsPerCore ? b : a));
    const big = relay.find((r) => r.bytes === 1000) ?? best;
    const allocPerCore = allocResults.at(-1)?.perCore ?? Number.NaN;
    const audioCallsPerCore = (best.kppsPerCore * 1000) / AUDIO_CALL_PPS;
    const camerasPerCore = big.mbpsPerCore / CAMERA_MBPS;
    const markdown = [
      `coturn 4.6.1 under TurnSupervisor, test mode on 127.0.0.1, relay-threads=${RELAY_THREADS}, usage logging (\`verbose\`) on as in production; clients → coturn → turnutils_peer (echo) → back, all on this ${machine.nproc}-CPU machine. "Per core" = work ÷ coturn CPU-seconds (/proc/<pid>/stat, all coturn threads, 10 ms ticks), so it does not depend on the load generator's speed; "coturn CPU %" shows how loaded coturn was — uclient is timer-paced, so coturn stays lightly loaded and per-packet cost includes per-wakeup overhead a saturated coturn would amortize (the per-core figures are conservative).`,
      '',
      mdTable(
        [
          'allocation test',
          'allocations',
          'failed',
          'coturn CPU ms',
          'wall s',
          'allocations/s per core',
        ],
        allocResults.map((a) => [
          a.test,
          a.allocations,
          a.failed,
          fmt(a.coturnCpuMs, 0),
          fmt(a.wallSeconds, 2),
          fmt(a.perCore, 0),
        ]),
      ),
      '',
      mdTable(
        [
          'relay run (uclient procs × clients × msgs × size)',
          'MB relayed',
          'packets relayed',
          'wall s',
          'coturn CPU %',
          'machine busy %',
          'Mbps per core',
          'kpps per core',
          'uclient lost',
        ],
        relay.map((r) => [
          `${r.procs} × ${r.clients} × ${r.messages} × ${r.bytes} B`,
          fmt(r.relayedBytes / 1e6),
          r.relayedPackets,
          fmt(r.wallSeconds),
          fmt(r.coturnCpuPct, 0),
          fmt(r.machineBusyPct, 0),
          fmt(r.mbpsPerCore, 0),
          fmt(r.kppsPerCore),
          `${r.uclientLost} / ${r.uclientSent}`,
        ]),
      ),
      '',
      `Each allocation holds one relay port until it is deleted or times out — and for about a second after Refresh(0) (measured: 508 until then) — so \`minPort..maxPort\` bounds concurrent allocations and, divided by that second, the sustained allocation rate (a 2,000-port range ran out at ~2,500 allocations/s). The default 49160-49200 allows 41 concurrent allocations: widen it (and the firewall rule) for more concurrent remote viewers.`,
      '',
      `coturn's README claims "thousands of simultaneous calls per CPU" over TURN. Measured here: ${fmt(best.kppsPerCore)} k relayed packets/s per core ≈ ${fmt(audioCallsPerCore, 0)} G.711 audio legs (${AUDIO_CALL_PPS} relayed pps each); at 1000-byte packets ${fmt(big.mbpsPerCore, 0)} Mbps per core ≈ ${fmt(camerasPerCore, 0)} ${CAMERA_MBPS} Mbps camera streams; ${fmt(allocPerCore, 0)} allocations/s per core. That is consistent with the claim for audio; for video, the uplink is the limit long before coturn's CPU. Loopback leaves out NIC/driver cost.`,
    ].join('\n');

    const data = {
      relayThreads: RELAY_THREADS,
      relayPorts: RELAY_PORTS,
      allocations: allocResults,
      relay,
      derived: {
        audioCallsPerCore,
        camerasPerCore,
        allocationsPerCore: allocPerCore,
        audioCallPps: AUDIO_CALL_PPS,
        cameraMbps: CAMERA_MBPS,
      },
    };
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
