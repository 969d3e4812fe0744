import type { TurnConfigOptions } from './TurnConfig.ts';
import type { ParsedLogLine, TurnUsageRecord } from './usage.ts';

/** Backoff between unexpected exits and the next start. Defaults: SUPERVISOR_DEFAULTS. */
export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** A process that lived at least this long restarts from initialDelayMs again. */
  resetAfterMs: number;
}

export interface HealthCheckOptions {
  intervalMs: number;
  startupIntervalMs: number;
  timeoutMs: number;
  failuresBeforeUnhealthy: number;
}

export interface TurnSupervisorOptions {
  /**
   * coturn options. Unless given, userDbPath (sqlite secret store) and pidFile are placed in
   * workDir.
   */
  config: TurnConfigOptions;
  /** Holds turnserver.conf (0600: may contain secrets), the secrets DB and the pid file. */
  workDir: string;
  binary?: string;
  restartPolicy?: Partial<RestartPolicy>;
  health?: Partial<HealthCheckOptions>;
  /** SIGTERM -> SIGKILL grace period on close(). */
  closeTimeoutMs?: number;
}

export interface TurnLogLine {
  pid: number;
  stream: 'stdout' | 'stderr';
  line: string;
  parsed: ParsedLogLine;
}

export type TurnSupervisorEvents = {
  /** Every process start, first and restarts. */
  started: [pid: number];
  /** A process start that replaced one which exited. */
  restarted: [pid: number];
  exited: [code: number | null, signal: NodeJS.Signals | null];
  /** An unexpected exit; the next start comes after `delayMs` (restart policy backoff). */
  restartScheduled: [delayMs: number];
  /** First successful STUN probe of a process, or recovery after `unhealthy`. */
  healthy: [];
  /** Probes failing (failuresBeforeUnhealthy in a row) or the healthy process exited. */
  unhealthy: [error: Error];
  /** A session (allocation) closed; also, truncated, for sessions open when coturn died. */
  usage: [record: TurnUsageRecord];
  log: [line: TurnLogLine];
};
