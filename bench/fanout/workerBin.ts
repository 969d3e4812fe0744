/**
 * Spawning a mediasoup worker from a chosen binary, so two worker builds (e.g. libsrtp on NSS vs
 * on OpenSSL) can be measured side by side in one process.
 *
 * mediasoup 3.19 has no per-worker binary option: it spawns `workerBin`, a property of its
 * Worker module's exports read at spawn time (set from MEDIASOUP_WORKER_BIN at load). We swap it
 * around one createWorker call, then check /proc/<pid>/exe so a change in mediasoup's internals
 * fails loudly instead of silently measuring the default binary twice.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';

const require = createRequire(import.meta.url);
// By absolute path: the package's `exports` map hides node/lib/*, and the absolute path is the
// same module-cache entry the package's index.js loaded.
const workerModule = require(
  path.join(path.dirname(require.resolve('mediasoup')), 'Worker.js'),
) as {
  workerBin: unknown;
};

export class WorkerBinaryError extends Error {
  override name = 'WorkerBinaryError';
}

/** The binary createWorker() spawns by default (mediasoup's own path or MEDIASOUP_WORKER_BIN). */
export const defaultWorkerBin = (): string => mediasoup.workerBin;

/** createWorker() with `bin` as the worker binary; the default binary when `bin` is undefined. */
export async function createWorkerFrom(
  bin: string | undefined,
  settings: types.WorkerSettings,
): Promise<types.Worker> {
  const wanted = fs.realpathSync(bin ?? defaultWorkerBin());
  if (typeof workerModule.workerBin !== 'string')
    throw new WorkerBinaryError('mediasoup internals changed: Worker.workerBin is not a string');
  const previous = workerModule.workerBin;
  let worker: types.Worker;
  workerModule.workerBin = wanted;
  try {
    worker = await mediasoup.createWorker(settings);
  } finally {
    workerModule.workerBin = previous;
  }
  const running = fs.readlinkSync(`/proc/${worker.pid}/exe`);
  if (running !== wanted) {
    worker.close();
    throw new WorkerBinaryError(`worker ${worker.pid} runs ${running}, expected ${wanted}`);
  }
  return worker;
}
