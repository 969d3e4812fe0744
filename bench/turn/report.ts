/**
 * The TURN bench's markdown and result data, with the capacities derived from the runs.
 */
import type { MachineInfo } from '../lib/resources.ts';
import { mdTable } from '../lib/results.ts';
import { fmt } from '../lib/stats.ts';
import { AUDIO_CALL_PPS, CAMERA_MBPS, RELAY_PORTS, RELAY_THREADS } from './options.ts';
import type { AllocResult, RelayResult } from './runs.ts';

/** Markdown for latest.md, and the data kept in latest.json. */
export function turnReport(
  machine: MachineInfo,
  allocResults: AllocResult[],
  relay: RelayResult[],
): { markdown: string; data: object } {
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
  return { markdown, data };
}
