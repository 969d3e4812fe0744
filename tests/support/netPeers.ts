import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NetNamespace } from './netns.ts';
import type { NetPeerArgs, NetPeerReport } from './netPeer.ts';
import { until } from './until.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A {@link ./netPeer.ts} process inside a namespace, with its latest report. */
export class NetPeer {
  latest: NetPeerReport | undefined;
  readonly #child: ChildProcess;
  #stderr = '';

  constructor(ns: NetNamespace, args: NetPeerArgs) {
    const [cmd, ...argv] = ns.exec(
      process.execPath,
      '--import',
      'tsx',
      'tests/support/netPeer.ts',
      JSON.stringify(args),
    );
    // `ip netns exec` execs the command itself: the child's pid is node's.
    this.#child = spawn(cmd!, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    this.#child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines)
        if (line.startsWith('{')) this.latest = JSON.parse(line) as NetPeerReport;
    });
    this.#child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    });
  }

  /** Waits until `check(report)` holds; the error names `what` and carries the peer's stderr. */
  async until(
    what: string,
    check: (r: NetPeerReport) => boolean,
    timeoutMs = 30_000,
  ): Promise<NetPeerReport> {
    try {
      return await until(
        () => (this.latest && check(this.latest) ? this.latest : undefined),
        what,
        timeoutMs,
        50,
      );
    } catch (error) {
      throw new Error(
        `${(error as Error).message}; last report ${JSON.stringify(this.latest)}; stderr ${this.#stderr}`,
      );
    }
  }

  /** Resolves once a report newer than now arrives (the next 200 ms tick). */
  async fresh(): Promise<NetPeerReport> {
    const now = Date.now();
    return this.until('a fresh report', (r) => r.at > now, 10_000);
  }

  close(): void {
    if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
  }
}
