import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { EnhancedEventEmitter } from '../../server/src/util/EnhancedEventEmitter.ts';
import { Logger } from '../../server/src/util/Logger.ts';
import { mintTurnCredentials, type TurnCredentials } from './credentials.ts';
import { SUPERVISOR_DEFAULTS } from './defaults.ts';
import { TurnSupervisorError } from './errors.ts';
import { stunProbe } from './stunProbe.ts';
import { TurnConfig, type TurnConfigOptions } from './TurnConfig.ts';
import { TurnSecretStore } from './TurnSecretStore.ts';
import {
  parseCoturnLogLine,
  UsageTracker,
  type ParsedLogLine,
  type TurnUsageRecord,
} from './usage.ts';

const logger = new Logger('turn');

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

/**
 * Runs one coturn process: writes its config, starts it, restarts it with backoff when it dies,
 * health-checks it with real STUN Binding requests, turns its log into usage records, and rotates
 * the REST secrets without a restart (see TurnSecretStore).
 */
export class TurnSupervisor extends EnhancedEventEmitter<TurnSupervisorEvents> {
  private child: ChildProcess | undefined;
  private childStartedAt = 0;
  private tracker = new UsageTracker();
  private restartAttempt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;
  private consecutiveFailures = 0;
  private isHealthy = false;
  private hasStarted = false;
  private restartRequested = false;
  private closePromise: Promise<void> | undefined;
  private readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  private constructor(
    private config: TurnConfig,
    readonly workDir: string,
    readonly confPath: string,
    private readonly binary: string,
    private readonly restartPolicy: RestartPolicy,
    private readonly health: HealthCheckOptions,
    private readonly closeTimeoutMs: number,
    private readonly secretStore: TurnSecretStore | undefined,
  ) {
    super();
  }

  static async create(options: TurnSupervisorOptions): Promise<TurnSupervisor> {
    const workDir = path.resolve(options.workDir);
    const binary = options.binary ?? SUPERVISOR_DEFAULTS.binary;
    const sqlite = (options.config.secretStore ?? 'sqlite') === 'sqlite';
    const config = TurnConfig.from({
      ...(sqlite ? { userDbPath: path.join(workDir, 'turndb') } : {}),
      pidFile: path.join(workDir, 'turnserver.pid'),
      ...options.config,
    });
    try {
      await fs.promises.access(binary, fs.constants.X_OK);
    } catch {
      throw new TurnSupervisorError(
        `turnserver binary not executable: ${binary} (apt install coturn)`,
      );
    }
    for (const file of [config.options.certFile, config.options.keyFile]) {
      if (file === undefined) continue;
      try {
        await fs.promises.access(file, fs.constants.R_OK);
      } catch {
        throw new TurnSupervisorError(`TLS file not readable: ${file}`);
      }
    }
    await fs.promises.mkdir(workDir, { recursive: true, mode: 0o700 });

    let store: TurnSecretStore | undefined;
    if (sqlite) {
      store = await TurnSecretStore.create({
        dbPath: config.options.userDbPath!,
        realm: config.options.realm,
      });
    }
    const supervisor = new TurnSupervisor(
      config,
      workDir,
      path.join(workDir, 'turnserver.conf'),
      binary,
      { ...SUPERVISOR_DEFAULTS.restartPolicy, ...options.restartPolicy },
      { ...SUPERVISOR_DEFAULTS.health, ...options.health },
      options.closeTimeoutMs ?? SUPERVISOR_DEFAULTS.closeTimeoutMs,
      store,
    );
    try {
      store?.setSecrets(config.options.secrets);
      await supervisor.writeConf();
    } catch (error) {
      store?.close();
      throw error;
    }
    supervisor.startProcess();
    return supervisor;
  }

  /** pid of the running turnserver, if any. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null
      ? this.child.pid
      : undefined;
  }

  get healthy(): boolean {
    return this.isHealthy;
  }

  get closed(): boolean {
    return this.closePromise !== undefined;
  }

  get turnConfig(): TurnConfig {
    return this.config;
  }

  /** Credentials minted with the current (first) secret. */
  mintCredentials(userId: string, ttlSeconds?: number): TurnCredentials {
    return mintTurnCredentials({
      secret: this.config.currentSecret,
      userId,
      ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
    });
  }

  /** Resolves once a STUN probe succeeded (immediately if healthy now). */
  ready(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return Promise.reject(new TurnSupervisorError('supervisor is closed'));
    if (this.isHealthy) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w !== waiter);
        reject(new TurnSupervisorError(`turnserver not healthy after ${timeoutMs} ms`));
      }, timeoutMs);
      this.readyWaiters.push(waiter);
    });
  }

  /**
   * Replaces the accepted secrets; the first mints from now on. With the sqlite store (default)
   * coturn picks them up on the next authentication and live allocations are untouched. With
   * 'static' secrets coturn must restart, which drops every allocation: only with allowRestart.
   */
  async updateSecrets(
    secrets: readonly string[],
    options: { allowRestart?: boolean } = {},
  ): Promise<void> {
    if (this.closed) throw new TurnSupervisorError('supervisor is closed');
    const next = this.config.withSecrets(secrets); // validates (TurnConfigError)
    if (this.secretStore) {
      this.secretStore.setSecrets(secrets);
      this.config = next;
      logger.info('TURN secrets rotated in place', { count: secrets.length });
      return;
    }
    if (!options.allowRestart) {
      throw new TurnSupervisorError(
        "static secrets need a coturn restart, which drops live allocations; use secretStore 'sqlite' or pass allowRestart",
      );
    }
    this.config = next;
    await this.writeConf();
    await this.restart();
  }

  /** Graceful restart (SIGTERM, immediate respawn). Drops live allocations. */
  async restart(): Promise<void> {
    if (this.closed) throw new TurnSupervisorError('supervisor is closed');
    const child = this.child;
    if (!child || this.pid === undefined) return;
    this.restartRequested = true;
    await this.stopChild(child);
  }

  /** Stops coturn (SIGTERM, SIGKILL after closeTimeoutMs). Idempotent; never restarts after. */
  close(): Promise<void> {
    this.closePromise ??= this.doClose();
    return this.closePromise;
  }

  private async doClose(): Promise<void> {
    clearTimeout(this.restartTimer);
    clearTimeout(this.probeTimer);
    for (const w of this.readyWaiters.splice(0))
      w.reject(new TurnSupervisorError('supervisor closed'));
    if (this.child && this.pid !== undefined) await this.stopChild(this.child);
    this.secretStore?.close();
    logger.info('turnserver supervisor closed');
  }

  private async stopChild(child: ChildProcess): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('close', () => resolve());
    });
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      logger.warn('turnserver ignored SIGTERM, sending SIGKILL', { pid: child.pid });
      child.kill('SIGKILL');
    }, this.closeTimeoutMs);
    await exited;
    clearTimeout(timer);
  }

  private async writeConf(): Promise<void> {
    // Write-then-rename so coturn never reads half a file; 0600 because it may hold secrets.
    const tmp = `${this.confPath}.${process.pid}.tmp`;
    await fs.promises.writeFile(tmp, this.config.render(), { mode: 0o600 });
    await fs.promises.chmod(tmp, 0o600);
    await fs.promises.rename(tmp, this.confPath);
  }

  private startProcess(): void {
    if (this.closed) return;
    const isRestart = this.hasStarted;
    this.hasStarted = true;
    this.tracker = new UsageTracker(); // coturn session ids restart with each process
    this.consecutiveFailures = 0;
    const child = spawn(this.binary, ['-c', this.confPath], {
      cwd: this.workDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.childStartedAt = Date.now();
    const tracker = this.tracker;

    child.once('spawn', () => {
      const pid = child.pid!;
      logger.info(isRestart ? 'turnserver restarted' : 'turnserver started', { pid });
      this.safeEmit('started', pid);
      if (isRestart) this.safeEmit('restarted', pid);
    });
    child.once('error', (error) => {
      logger.error('turnserver spawn failed', { error });
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const rl = readline.createInterface({ input: child[stream]!, crlfDelay: Infinity });
      rl.on('line', (line) => this.onLine(child, tracker, stream, line));
    }
    // 'close' (not 'exit'): fires after stdout/stderr drained, so every log line was seen.
    child.once('close', (code, signal) => this.onClose(child, tracker, code, signal));
    this.scheduleProbe(this.health.startupIntervalMs);
  }

  private onLine(
    child: ChildProcess,
    tracker: UsageTracker,
    stream: 'stdout' | 'stderr',
    line: string,
  ): void {
    if (!line) return;
    const parsed = parseCoturnLogLine(line);
    logger.debug(line, { pid: child.pid });
    this.safeEmit('log', { pid: child.pid ?? 0, stream, line, parsed });
    const record = tracker.push(parsed);
    if (record) this.safeEmit('usage', record);
  }

  private onClose(
    child: ChildProcess,
    tracker: UsageTracker,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    if (child !== this.child) return;
    this.child = undefined;
    clearTimeout(this.probeTimer);
    this.safeEmit('exited', code, signal);
    for (const record of tracker.flush()) this.safeEmit('usage', record);
    const wasHealthy = this.isHealthy;
    this.isHealthy = false;
    if (this.closed) return;

    if (this.restartRequested) {
      this.restartRequested = false;
      this.restartAttempt = 0;
      this.startProcess();
      return;
    }
    if (wasHealthy)
      this.safeEmit('unhealthy', new TurnSupervisorError(`turnserver exited (${signal ?? code})`));
    const lived = Date.now() - this.childStartedAt;
    if (lived >= this.restartPolicy.resetAfterMs) this.restartAttempt = 0;
    const p = this.restartPolicy;
    const delay = Math.min(p.maxDelayMs, p.initialDelayMs * p.multiplier ** this.restartAttempt);
    this.restartAttempt++;
    logger.warn('turnserver exited unexpectedly; restarting', {
      pid: child.pid,
      code,
      signal,
      delayMs: delay,
    });
    this.safeEmit('restartScheduled', delay);
    this.restartTimer = setTimeout(() => this.startProcess(), delay);
  }

  private probeTarget(): { host: string; port: number } {
    const ip = this.config.options.listeningIps[0];
    const host = ip === undefined || ip === '0.0.0.0' ? '127.0.0.1' : ip === '::' ? '::1' : ip;
    return { host, port: this.config.options.listeningPort };
  }

  private scheduleProbe(delayMs: number): void {
    clearTimeout(this.probeTimer);
    if (this.closed) return;
    this.probeTimer = setTimeout(() => void this.runProbe(), delayMs);
  }

  private async runProbe(): Promise<void> {
    const child = this.child;
    if (!child || this.closed) return;
    if (this.probing) {
      // A probe of the previous process may still be waiting for its timeout: try again soon
      // rather than never (the in-flight one will not reschedule for a process it did not probe).
      this.scheduleProbe(this.health.startupIntervalMs);
      return;
    }
    this.probing = true;
    try {
      await stunProbe({ ...this.probeTarget(), timeoutMs: this.health.timeoutMs });
      if (child !== this.child) return;
      this.consecutiveFailures = 0;
      if (!this.isHealthy) {
        this.isHealthy = true;
        logger.info('turnserver healthy', { pid: child.pid });
        this.safeEmit('healthy');
        for (const w of this.readyWaiters.splice(0)) w.resolve();
      }
    } catch (error) {
      if (child !== this.child) return;
      this.consecutiveFailures++;
      if (this.isHealthy && this.consecutiveFailures >= this.health.failuresBeforeUnhealthy) {
        this.isHealthy = false;
        logger.warn('turnserver unhealthy', { pid: child.pid, error });
        this.safeEmit('unhealthy', error as Error);
      }
    } finally {
      this.probing = false;
      if (child === this.child) {
        this.scheduleProbe(this.isHealthy ? this.health.intervalMs : this.health.startupIntervalMs);
      }
    }
  }
}
