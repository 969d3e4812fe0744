import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { createLogger } from '@porchlight/runtime';

const logger = createLogger('turn');

/** Starts `binary -c confPath` with piped output, calling onLine for every non-empty line. */
export function spawnCoturn(o: {
  binary: string;
  confPath: string;
  cwd: string;
  onLine: (stream: 'stdout' | 'stderr', line: string) => void;
}): ChildProcess {
  const child = spawn(o.binary, ['-c', o.confPath], {
    cwd: o.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    const rl = readline.createInterface({ input: child[stream]!, crlfDelay: Infinity });
    rl.on('line', (line) => {
      if (line) o.onLine(stream, line);
    });
  }
  return child;
}

/** SIGTERM, then SIGKILL after timeoutMs; resolves once the process is gone. */
export async function stopProcess(child: ChildProcess, timeoutMs: number): Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('close', () => resolve());
  });
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    logger.warn('turnserver ignored SIGTERM, sending SIGKILL', { pid: child.pid });
    child.kill('SIGKILL');
  }, timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Write-then-rename so coturn never reads half a file; 0600 because it may hold secrets. */
export async function writeConfFile(confPath: string, text: string): Promise<void> {
  const tmp = `${confPath}.${process.pid}.tmp`;
  await fs.promises.writeFile(tmp, text, { mode: 0o600 });
  await fs.promises.chmod(tmp, 0o600);
  await fs.promises.rename(tmp, confPath);
}
