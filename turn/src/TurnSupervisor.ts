import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import { spawnCoturn, stopProcess, writeConfFile } from './coturnProcess.ts';
import { mintTurnCredentials, type TurnCredentials } from './credentials.ts';
import { SUPERVISOR_DEFAULTS } from './defaults.ts';
import { TurnSupervisorError } from './errors.ts';
import { HealthProbe } from './HealthProbe.ts';
import { RestartBackoff } from './RestartBackoff.ts';
import { TurnConfig } from './TurnConfig.ts';
import { TurnSecretStore } from './TurnSecretStore.ts';
import type {
  HealthCheckOptions,
  TurnSupervisorEvents,
  TurnSupervisorOptions,
} from './TurnSupervisorTypes.ts';
import { parseCoturnLogLine, UsageTracker } from './usage.ts';

export type {
  HealthCheckOptions,
  RestartPolicy,
  TurnLogLine,
  TurnSupervisorEvents,
  TurnSupervisorOptions,
} from './TurnSupervisorTypes.ts';

const logger = createLogger('turn');

/** What belongs to one coturn process: restarts replace all of it. */
interface Run {
  child: ChildProcess;
  startedAt: number;
  /** coturn session ids restart with each process. */
  tracker: UsageTracker;
  health: HealthProbe;
}

/**
 * Runs one coturn process: writes its config, starts it, restarts it with backoff when it dies
 * (RestartBackoff), health-checks it with real STUN Binding requests (HealthProbe), turns its log
 * into usage records, and rotates the REST secrets without a restart (see TurnSecretStore).
 */
export class TurnSupervisor extends EnhancedEventEmitter<TurnSupervisorEvents> {
  private run: Run | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private hasStarted = false;
  private restartRequested = false;
  private closePromise: Promise<void> | undefined;
  private readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  private constructor(
    private config: TurnConfig,
    readonly workDir: string,
    readonly confPath: string,
    private readonly binary: string,
    private readonly backoff: RestartBackoff,
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
      new RestartBackoff({ ...SUPERVISOR_DEFAULTS.restartPolicy, ...options.restartPolicy }),
      { ...SUPERVISOR_DEFAULTS.health, ...options.health },
      options.closeTimeoutMs ?? SUPERVISOR_DEFAULTS.closeTimeoutMs,
      store,
    );
    try {
      store?.setSecrets(config.options.secrets);
      await writeConfFile(supervisor.confPath, config.render());
    } catch (error) {
      store?.close();
      throw error;
    }
    supervisor.startProcess();
    return supervisor;
  }

  /** pid of the running turnserver, if any. */
  get pid(): number | undefined {
    const child = this.run?.child;
    return child?.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  /** Allocations open in the running coturn (from its session log). */
  get openSessions(): number {
    return this.run?.tracker.openSessions ?? 0;
  }

  get healthy(): boolean {
    return this.run?.health.healthy ?? false;
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
    if (this.healthy) return Promise.resolve();
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
    await writeConfFile(this.confPath, this.config.render());
    await this.restart();
  }

  /** Graceful restart (SIGTERM, immediate respawn). Drops live allocations. */
  async restart(): Promise<void> {
    if (this.closed) throw new TurnSupervisorError('supervisor is closed');
    const child = this.run?.child;
    if (!child || this.pid === undefined) return;
    this.restartRequested = true;
    await stopProcess(child, this.closeTimeoutMs);
  }

  /** Stops coturn (SIGTERM, SIGKILL after closeTimeoutMs). Idempotent; never restarts after. */
  close(): Promise<void> {
    this.closePromise ??= this.doClose();
    return this.closePromise;
  }

  private async doClose(): Promise<void> {
    clearTimeout(this.restartTimer);
    this.run?.health.stop();
    for (const w of this.readyWaiters.splice(0))
      w.reject(new TurnSupervisorError('supervisor closed'));
    if (this.run && this.pid !== undefined) await stopProcess(this.run.child, this.closeTimeoutMs);
    this.secretStore?.close();
    logger.info('turnserver supervisor closed');
  }

  private startProcess(): void {
    if (this.closed) return;
    const isRestart = this.hasStarted;
    this.hasStarted = true;
    const tracker = new UsageTracker();
    const child = spawnCoturn({
      binary: this.binary,
      confPath: this.confPath,
      cwd: this.workDir,
      onLine: (stream, line) => this.onLine(child, tracker, stream, line),
    });
    const health = new HealthProbe(this.probeTarget(), this.health, {
      healthy: () => {
        logger.info('turnserver healthy', { pid: child.pid });
        this.safeEmit('healthy');
        for (const w of this.readyWaiters.splice(0)) w.resolve();
      },
      unhealthy: (error) => {
        logger.warn('turnserver unhealthy', { pid: child.pid, error });
        this.safeEmit('unhealthy', error);
      },
    });
    const run: Run = { child, startedAt: Date.now(), tracker, health };
    this.run = run;

    child.once('spawn', () => {
      const pid = child.pid!;
      logger.info(isRestart ? 'turnserver restarted' : 'turnserver started', { pid });
      this.safeEmit('started', pid);
      if (isRestart) this.safeEmit('restarted', pid);
    });
    child.once('error', (error) => {
      logger.error('turnserver spawn failed', { error });
    });
    // 'close' (not 'exit'): fires after stdout/stderr drained, so every log line was seen.
    child.once('close', (code, signal) => this.onClose(run, code, signal));
  }

  private onLine(
    child: ChildProcess,
    tracker: UsageTracker,
    stream: 'stdout' | 'stderr',
    line: string,
  ): void {
    const parsed = parseCoturnLogLine(line);
    logger.debug(line, { pid: child.pid });
    this.safeEmit('log', { pid: child.pid ?? 0, stream, line, parsed });
    const record = tracker.push(parsed);
    if (record) this.safeEmit('usage', record);
  }

  private onClose(run: Run, code: number | null, signal: NodeJS.Signals | null): void {
    if (run !== this.run) return;
    const wasHealthy = run.health.healthy;
    run.health.stop();
    this.run = undefined;
    this.safeEmit('exited', code, signal);
    for (const record of run.tracker.flush()) this.safeEmit('usage', record);
    if (this.closed) return;

    if (this.restartRequested) {
      this.restartRequested = false;
      this.backoff.reset();
      this.startProcess();
      return;
    }
    if (wasHealthy)
      this.safeEmit('unhealthy', new TurnSupervisorError(`turnserver exited (${signal ?? code})`));
    const delay = this.backoff.next(Date.now() - run.startedAt);
    logger.warn('turnserver exited unexpectedly; restarting', {
      pid: run.child.pid,
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
}
