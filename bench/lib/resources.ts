import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** Resource sampling from /proc (Linux), plus machine facts for the results file. */

export interface MachineInfo {
  cpuModel: string;
  nproc: number;
  nodeVersion: string;
  platform: string;
  kernel: string;
  totalMemMB: number;
  /** 1-minute load average when sampled: a hint of how busy the shared machine was. */
  loadAvg1: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    nproc: os.availableParallelism(),
    nodeVersion: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    totalMemMB: Math.round(os.totalmem() / 2 ** 20),
    loadAvg1: os.loadavg()[0] ?? 0,
  };
}

let clkTck: number | undefined;
function ticksPerSecond(): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** User + system CPU time (ms) consumed so far by a process, or NaN if it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return ((utime + stime) * 1000) / ticksPerSecond();
  } catch {
    return Number.NaN;
  }
}

/** Resident set size (bytes) of a process, or NaN. */
export function processRssBytes(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export interface SystemCpuSample {
  busyTicks: number;
  totalTicks: number;
}

/** Whole-machine CPU counters (all cores) from /proc/stat. */
export function systemCpu(): SystemCpuSample {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest columns are already in user/nice).
  const total = v.slice(0, 8).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busyTicks: total - idle, totalTicks: total };
}

/** Machine busy % (0-100 over ALL cores) between two samples. */
export function systemBusyPct(a: SystemCpuSample, b: SystemCpuSample): number {
  const total = b.totalTicks - a.totalTicks;
  return total > 0 ? ((b.busyTicks - a.busyTicks) / total) * 100 : Number.NaN;
}

export interface UdpCounters {
  inDatagrams: number;
  inErrors: number;
  /** Datagrams dropped because a socket's receive buffer was full. */
  rcvbufErrors: number;
  sndbufErrors: number;
}

/** Kernel UDP counters (whole network namespace) from /proc/net/snmp. */
export function udpCounters(): UdpCounters {
  try {
    const lines = fs
      .readFileSync('/proc/net/snmp', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('Udp:'));
    const keys = (lines[0] ?? '').split(/\s+/).slice(1);
    const vals = (lines[1] ?? '').split(/\s+/).slice(1).map(Number);
    const get = (k: string): number => vals[keys.indexOf(k)] ?? Number.NaN;
    return {
      inDatagrams: get('InDatagrams'),
      inErrors: get('InErrors'),
      rcvbufErrors: get('RcvbufErrors'),
      sndbufErrors: get('SndbufErrors'),
    };
  } catch {
    return { inDatagrams: NaN, inErrors: NaN, rcvbufErrors: NaN, sndbufErrors: NaN };
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Seconds since `start` (a performance.now() value). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
