import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';
const hasSetpriv = fs.existsSync(SETPRIV);

/**
 * Spawns a helper process that the kernel kills when this process dies, even by SIGKILL
 * (PR_SET_PDEATHSIG through util-linux's setpriv, which then execs the command in place, so the
 * pid is the command's). A recorder waiting on a silent UDP socket would otherwise live forever
 * after a server crash.
 */
export function spawnTied(
  command: string,
  args: readonly string[],
): ChildProcessWithoutNullStreams {
  return hasSetpriv
    ? spawn(SETPRIV, ['--pdeathsig', 'SIGKILL', '--', command, ...args], { stdio: 'pipe' })
    : spawn(command, args, { stdio: 'pipe' });
}
