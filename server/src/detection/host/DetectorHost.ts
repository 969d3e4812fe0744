import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createLogger, EnhancedEventEmitter } from '@porchlight/runtime';

const logger = createLogger('DetectorHost');

export interface DetectorHostOptions {
  /** Debian's `/usr/bin/chromium` (config detection.host.chromiumPath). */
  chromiumPath: string;
  /** Each launch's own fresh profile lives here (removed before every start). */
  profileDir: string;
  /** A new launch: the URL to open (with its one-time code in the fragment) and extra flags. */
  launch: () => { url: string; args: string[] };
  /** Restart delay after an exit: doubles from `minMs` to `maxMs`. Defaults 1 s and 30 s. */
  backoff?: { minMs: number; maxMs: number };
  /** A run that lasted this long resets the backoff. Default 60 s. */
  stableMs?: number;
}

export type DetectorHostEvents = {
  /** Chromium started (a new launch). */
  started: [pid: number];
  /** Chromium exited; `wanted`: it will be started again. */
  exited: [info: { code: number | null; signal: NodeJS.Signals | null; wanted: boolean }];
};

/**
 * The headless Chromium process that runs the detector page. `want(true)` starts it (and
 * restarts it with backoff when it dies), `want(false)` stops it; `close()` stops it for good.
 * Chromium runs in its own process group, so its renderers and GPU helper go with it.
 */
export class DetectorHost extends EnhancedEventEmitter<DetectorHostEvents> {
  readonly #o: Required<Omit<DetectorHostOptions, 'backoff'>> & {
    backoff: { minMs: number; maxMs: number };
  };
  #child: ChildProcess | null = null;
  #wanted = false;
  #closed = false;
  #restartTimer: ReturnType<typeof setTimeout> | null = null;
  #delayMs: number;
  #startedAt = 0;
  #restarts = 0;

  constructor(o: DetectorHostOptions) {
    super();
    this.#o = {
      backoff: { minMs: 1000, maxMs: 30_000 },
      stableMs: 60_000,
      ...o,
    };
    this.#delayMs = this.#o.backoff.minMs;
  }

  /** The running Chromium's pid (its process group), or null. */
  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /** Launches since construction that were restarts after an unwanted exit. */
  get restarts(): number {
    return this.#restarts;
  }

  get running(): boolean {
    return this.#child !== null;
  }

  want(on: boolean): void {
    if (this.#closed || on === this.#wanted) return;
    this.#wanted = on;
    if (on) {
      if (!this.#child && !this.#restartTimer) this.#start();
    } else {
      this.#clearTimer();
      this.#stop();
    }
  }

  #start(): void {
    if (this.#closed || !this.#wanted || this.#child) return;
    fs.rmSync(this.#o.profileDir, { recursive: true, force: true });
    fs.mkdirSync(this.#o.profileDir, { recursive: true, mode: 0o700 });
    const { url, args } = this.#o.launch();
    const child = spawn(
      this.#o.chromiumPath,
      [...args, `--user-data-dir=${this.#o.profileDir}`, url],
      { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.#child = child;
    this.#startedAt = Date.now();
    let tail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-2000);
    });
    let ended = false;
    const onEnd = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (ended) return;
      ended = true;
      // Renderers and helpers of this launch, should any outlive the browser process.
      killGroup(child.pid, 'SIGKILL');
      if (this.#child !== child) return;
      this.#child = null;
      const wanted = this.#wanted && !this.#closed;
      // The page's own output stays out of info logs (it may echo its URL, which held the code).
      logger[wanted ? 'warn' : 'debug']('chromium exited', {
        code,
        signal,
        stderr: wanted ? tail.replace(/#code=[A-Za-z0-9_-]+/g, '#code=…').slice(-500) : undefined,
      });
      this.safeEmit('exited', { code, signal, wanted });
      if (wanted) this.#scheduleRestart();
    };
    // A spawn failure (no such file, not executable) emits 'error' and no 'exit'.
    child.once('error', (error) => {
      logger.warn('chromium failed to start', { error });
      if (child.pid === undefined) onEnd(null, null);
    });
    child.once('exit', onEnd);
    if (child.pid !== undefined) {
      logger.info('detector host started', { pid: child.pid });
      this.safeEmit('started', child.pid);
    }
  }

  #scheduleRestart(): void {
    if (Date.now() - this.#startedAt >= this.#o.stableMs) this.#delayMs = this.#o.backoff.minMs;
    const delay = this.#delayMs;
    this.#delayMs = Math.min(this.#delayMs * 2, this.#o.backoff.maxMs);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      this.#restarts += 1;
      this.#start();
    }, delay);
  }

  #clearTimer(): void {
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
  }

  #stop(): void {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    logger.info('detector host stopped', { pid: child.pid });
    killGroup(child.pid, 'SIGTERM');
    // A browser that ignores SIGTERM for 5 s is killed.
    const force = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000);
    force.unref();
    child.once('exit', () => clearTimeout(force));
  }

  /** Stops Chromium for good. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wanted = false;
    this.#clearTimer();
    this.#stop();
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
