/**
 * A small TCP load balancer for tests: one listening port, round-robin over backends, a backend
 * that refuses the connection is skipped for the next. With `healthPath` it also polls each
 * backend's HTTPS `/readyz` and leaves out the ones that answer anything but 200 (a draining
 * node), as HAProxy's `option httpchk` does. It stands in for the operator's HAProxy or nginx
 * `stream {}` (docs/deployment.md gives their configuration): TLS passes through untouched.
 */
import https from 'node:https';
import net from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

export interface BalancerOptions {
  backends: Backend[];
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** HTTPS path polled on every backend; unset: connection refusals alone take one out. */
  healthPath?: string;
  /** Poll period of the health check (default 250 ms). */
  healthIntervalMs?: number;
}

export interface TestBalancer {
  readonly url: string;
  readonly port: number;
  /** Connections handed to each backend (`host:port`) so far. */
  readonly counts: Map<string, number>;
  /** Connections open to this backend now (a websocket client holds one). */
  active(backend: Backend): number;
  /** Backends currently passing the health check (all, without one). */
  healthy(): Backend[];
  /** Replaces the backend list (a test pins its first clients to one node, then adds the rest). */
  setBackends(backends: Backend[]): void;
  /** Cuts every open connection to this backend (a network blip between clients and a node). */
  cut(backend: Backend): void;
  stop(): Promise<void>;
}

const key = (b: Backend): string => `${b.host}:${b.port}`;

export async function startBalancer(o: BalancerOptions): Promise<TestBalancer> {
  const host = o.host ?? '127.0.0.1';
  let backends = [...o.backends];
  const counts = new Map<string, number>();
  const activeBy = new Map<string, number>();
  const down = new Set<string>();
  const open = new Set<net.Socket>();
  const upstreams = new Map<net.Socket, string>();
  let next = 0;

  /** Tries backends from the next in turn, skipping unhealthy ones unless all are. */
  const pick = (client: net.Socket): void => {
    const candidates = backends.filter((b) => !down.has(key(b)));
    const order = candidates.length > 0 ? candidates : backends;
    const start = next++;
    const attempt = (i: number): void => {
      if (i >= order.length || client.destroyed) {
        client.destroy();
        return;
      }
      const backend = order[(start + i) % order.length]!;
      const upstream = net.connect(backend.port, backend.host);
      const onError = (): void => {
        upstream.destroy();
        attempt(i + 1);
      };
      upstream.once('error', onError);
      upstream.once('connect', () => {
        upstream.off('error', onError);
        const k = key(backend);
        counts.set(k, (counts.get(k) ?? 0) + 1);
        activeBy.set(k, (activeBy.get(k) ?? 0) + 1);
        open.add(upstream);
        upstreams.set(upstream, k);
        upstream.once('close', () => {
          open.delete(upstream);
          upstreams.delete(upstream);
          activeBy.set(k, (activeBy.get(k) ?? 1) - 1);
        });
        client.pipe(upstream).pipe(client);
        client.resume();
        const end = (): void => {
          client.destroy();
          upstream.destroy();
        };
        upstream.on('error', end);
        client.on('error', end);
        upstream.on('close', end);
        client.on('close', end);
      });
    };
    attempt(0);
  };

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    pick(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  if (o.healthPath !== undefined) {
    const path = o.healthPath;
    const check = (b: Backend): Promise<void> =>
      new Promise((resolve) => {
        const req = https.get(
          // 5 s like a typical HAProxy `timeout check`: a busy node is slow, not down.
          { host: b.host, port: b.port, path, rejectUnauthorized: false, timeout: 5_000 },
          (res) => {
            res.resume();
            if (res.statusCode === 200) down.delete(key(b));
            else down.add(key(b));
            resolve();
          },
        );
        req.on('error', () => {
          down.add(key(b));
          resolve();
        });
        req.on('timeout', () => req.destroy());
      });
    const loop = async (): Promise<void> => {
      await Promise.all(backends.map(check));
      if (!stopped) timer = setTimeout(() => void loop(), o.healthIntervalMs ?? 250);
    };
    await loop();
  }

  return {
    url: `https://${host}:${port}`,
    port,
    counts,
    active: (b) => activeBy.get(key(b)) ?? 0,
    healthy: () => backends.filter((b) => !down.has(key(b))),
    setBackends: (list) => {
      backends = [...list];
    },
    cut: (b) => {
      for (const [socket, k] of upstreams) if (k === key(b)) socket.destroy();
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
