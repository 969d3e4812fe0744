/**
 * Load generators of the TURN bench: free ports, turnutils_uclient processes, and a minimal STUN
 * client (challenge, Allocate, Refresh(0)) on turn/src/stun.ts.
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { longTermKey, StunAttr, StunClass, StunMessage, StunMethod } from '../../turn/src/stun.ts';
import { secondsSince } from '../lib/resources.ts';
import { LOOPBACK } from './options.ts';

export async function portFree(port: number): Promise<boolean> {
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

export async function freePorts(count: number, lo: number, hi: number): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const base = lo + Math.floor(Math.random() * (hi - lo - count));
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await portFree(p);
    if (ok) return base;
  }
  throw new Error('no free ports');
}

export interface UclientRun {
  output: string;
  seconds: number;
}

export function uclient(args: string[], timeoutMs = 40_000): Promise<UclientRun> {
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
export async function uclients(
  procs: number,
  args: string[],
): Promise<{ outputs: string[]; seconds: number }> {
  const t0 = performance.now();
  const runs = await Promise.all(Array.from({ length: procs }, () => uclient(args)));
  return { outputs: runs.map((r) => r.output), seconds: secondsSince(t0) };
}

/** One STUN transaction over UDP with retransmission (250 ms) and a 3 s timeout. */
export function transact(
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
export async function allocateOnce(
  port: number,
  username: string,
  password: string,
): Promise<string> {
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
export async function allocate(
  port: number,
  username: string,
  password: string,
): Promise<{ outcome: string; retries: number }> {
  for (let retries = 0; ; retries++) {
    const outcome = await allocateOnce(port, username, password);
    if (outcome !== 'challenge 437' || retries === 3) return { outcome, retries };
  }
}
