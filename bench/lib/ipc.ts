import { fork, type ChildProcess } from 'node:child_process';

/**
 * Request/response over a forked child's IPC channel. The parent side is `ChildRpc`; the child
 * side is `serveRpc`. Messages: { id, type, payload } -> { id, ok, result | error }.
 */

interface RpcRequest {
  id: number;
  type: string;
  payload: unknown;
}
interface RpcResponse {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}
/** Unsolicited child -> parent message. */
interface RpcEvent {
  event: string;
  data: unknown;
}

export class ChildRpc {
  readonly child: ChildProcess;
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  #nextId = 1;
  #exited = false;

  /** Forks `script` under tsx, with extra node flags (e.g. --expose-gc) and environment. */
  static fork(
    script: string,
    args: string[] = [],
    nodeFlags: string[] = [],
    env: NodeJS.ProcessEnv = {},
  ): ChildRpc {
    const child = fork(script, args, {
      env: { ...process.env, ...env },
      // Resolved here so the child finds tsx whatever its cwd.
      execArgv: [...nodeFlags, '--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new ChildRpc(child);
  }

  constructor(child: ChildProcess) {
    this.child = child;
    child.on('message', (msg: RpcResponse | RpcEvent) => {
      if ('event' in msg) return;
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error ?? 'child error'));
    });
    child.once('exit', (code, signal) => {
      this.#exited = true;
      for (const [, p] of this.#pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`child exited (code ${code}, signal ${signal})`));
      }
      this.#pending.clear();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resolves when the child sends `{ event }` (e.g. 'ready'), with its data. */
  waitEvent<T>(event: string, timeoutMs = 30_000): Promise<T> {
    if (this.#exited) return Promise.reject(new Error('child has exited'));
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.child.off('message', onMsg);
        this.child.off('exit', onExit);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`child did not send "${event}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMsg = (msg: RpcResponse | RpcEvent): void => {
        if ('event' in msg && msg.event === event) {
          done();
          resolve(msg.data as T);
        }
      };
      const onExit = (code: number | null, signal: string | null): void => {
        done();
        reject(
          new Error(`child exited (code ${code}, signal ${signal}) before sending "${event}"`),
        );
      };
      this.child.on('message', onMsg);
      this.child.once('exit', onExit);
    });
  }

  request<T>(type: string, payload: unknown = null, timeoutMs = 30_000): Promise<T> {
    if (this.#exited) return Promise.reject(new Error('child has exited'));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`child request "${type}" timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.child.send({ id, type, payload } satisfies RpcRequest);
    });
  }

  /** Asks the child to exit (request 'close'), then kills it (by pid) if it lingers. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    try {
      await this.request('close', null, timeoutMs);
    } catch {
      // fall through to kill
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}

type Handler = (payload: never) => unknown;

/** Child side: answers requests with `handlers[type](payload)`. 'close' is answered, then exits. */
export function serveRpc(
  handlers: Record<string, Handler>,
  onClose?: () => Promise<void> | void,
): void {
  if (!process.send) throw new Error('serveRpc: no IPC channel (start this file with fork)');
  const send = (m: RpcResponse | RpcEvent): void => {
    process.send?.(m);
  };
  process.on('message', (msg: RpcRequest) => {
    void (async () => {
      try {
        if (msg.type === 'close') {
          await onClose?.();
          send({ id: msg.id, ok: true, result: null });
          setTimeout(() => process.exit(0), 50);
          return;
        }
        const h = handlers[msg.type];
        if (!h) throw new Error(`unknown request "${msg.type}"`);
        const result = await h(msg.payload as never);
        send({ id: msg.id, ok: true, result });
      } catch (error) {
        send({
          id: msg.id,
          ok: false,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    })();
  });
  // Parent gone: do not linger.
  process.on('disconnect', () => {
    void (async () => {
      try {
        await onClose?.();
      } finally {
        process.exit(0);
      }
    })();
  });
}

/** Child side: tells the parent something (e.g. `ready`). */
export function emitEvent(event: string, data: unknown = null): void {
  process.send?.({ event, data } satisfies RpcEvent);
}
