/**
 * The server side of bench/soak.ts, in its own process so the soak's wrtc clients do not pollute
 * its numbers. A real test server (one mediasoup worker, continuous recording with a small quota
 * so the disk guard deletes all the time, detection on). Sends { event: 'ready', data: { url } },
 * then answers (bench/lib/ipc.ts):
 *   camera { label }      -> { credential, id } of a new camera of the site (provisioned)
 *   person { email, password, admin } -> id of a person who logs in (the site's owner, or an
 *                            instance admin for key rotation)
 *   doorbell              -> id of a new doorbell device of the site
 * The soak then authenticates as clients do: logins and refreshes, device credentials exchanged
 * for device tokens, so an hour outlives every access token many times over.
 *   sample                -> SoakSample (this process, its worker(s) and recorder processes)
 *   close
 */
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { types } from 'mediasoup';
import { startTestServer } from '../../tests/support/testServer.ts';
import { emitEvent, serveRpc } from './ipc.ts';
import { quietLogs } from './main.ts';
import { processRssBytes } from './resources.ts';

export interface SoakSample {
  at: number;
  node: { rss: number; heapUsed: number; external: number; fds: number; lagP99Ms: number };
  workers: { pid: number; rss: number }[];
  /** Child processes that are not mediasoup workers (ffmpeg recorders, snapshotters). */
  others: { count: number; rss: number };
  transports: number;
  producers: number;
  consumers: number;
  sockets: number;
  /** Counted since start: recording failures by reason ('write' = a segment lost). */
  failures: Record<string, number>;
  segmentsWritten: number;
}

quietLogs();
const QUOTA = Number(process.env['SOAK_QUOTA_BYTES'] ?? 30_000_000);
const ts = await startTestServer({
  recording: {
    defaultMode: 'continuous',
    maxTotalBytes: QUOTA,
    minFreeBytes: 0,
    retentionIntervalSeconds: 5,
  },
  detection: { enabledByDefault: true },
  // A call per cycle for an hour: the per-door and per-address ring limits would refuse them.
  doorbell: { ringsPerDoor: 10_000, ringsPerAddress: 10_000 },
});
const { server } = ts;
const live = { transports: 0, producers: 0, consumers: 0 };
const watchWorker = (worker: types.Worker): void => {
  worker.observer.on('newrouter', (router) => {
    router.observer.on('newtransport', (t) => {
      live.transports++;
      t.observer.once('close', () => live.transports--);
      t.observer.on('newproducer', (p) => {
        live.producers++;
        p.observer.once('close', () => live.producers--);
      });
      t.observer.on('newconsumer', (c) => {
        live.consumers++;
        c.observer.once('close', () => live.consumers--);
      });
    });
  });
};
// Rooms are created after start, so every router is seen.
for (const s of server.pool.slots) watchWorker(s.worker);
server.pool.on('workerRespawned', (s) => watchWorker(s.worker));
const failures: Record<string, number> = {};
server.recording.service.on('failure', (r) => (failures[r] = (failures[r] ?? 0) + 1));
let segmentsWritten = 0;
server.recording.service.on('segment', () => segmentsWritten++);
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();

const childPids = (): number[] => {
  try {
    return fs
      .readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
};

serveRpc(
  {
    camera: async (p: { label: string }) => {
      const { provisioning } = server.identity;
      const code = await provisioning.createCode({
        siteId: ts.siteId,
        kind: 'camera',
        name: p.label,
        createdBy: 'soak',
      });
      const { credential, device } = await provisioning.redeem(code.code, {
        userAgent: 'soak',
        firmware: null,
        address: null,
      });
      return { credential, id: device.id };
    },
    person: async (p: { email: string; password: string; admin: boolean }) =>
      ts.createPerson({
        email: p.email,
        password: p.password,
        ...(p.admin ? { isAdmin: true } : { siteId: ts.siteId, siteRole: 'owner' as const }),
      }),
    doorbell: async () => {
      const { provisioning } = server.identity;
      const code = await provisioning.createCode({
        siteId: ts.siteId,
        kind: 'doorbell',
        name: 'Front door',
        createdBy: 'soak',
      });
      const { device } = await provisioning.redeem(code.code, {
        userAgent: null,
        firmware: null,
        address: null,
      });
      return device.id;
    },
    sample: (): SoakSample => {
      // Forked with --expose-gc: the heap after a full GC, not the garbage of the last seconds.
      (globalThis as { gc?: () => void }).gc?.();
      const workerPids = server.pool.slots.map((s) => s.worker.pid);
      const others = childPids().filter((p) => !workerPids.includes(p));
      const mem = process.memoryUsage();
      const sample: SoakSample = {
        at: Date.now(),
        node: {
          rss: mem.rss,
          heapUsed: mem.heapUsed,
          external: mem.external,
          fds: fs.readdirSync('/proc/self/fd').length,
          lagP99Ms: lag.percentile(99) / 1e6,
        },
        workers: workerPids.map((pid) => ({ pid, rss: processRssBytes(pid) })),
        others: {
          count: others.length,
          rss: others.reduce((a, p) => a + (processRssBytes(p) || 0), 0),
        },
        ...live,
        sockets: server.signaling.io.engine.clientsCount,
        failures: { ...failures },
        segmentsWritten,
      };
      lag.reset();
      return sample;
    },
  },
  () => ts.close(),
);
emitEvent('ready', { url: ts.url, pid: process.pid, siteId: ts.siteId });
