import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { PorchlightServer } from '../src/Server.ts';
import { loadConfig } from '../src/config/loadConfig.ts';
import type { Config } from '../src/config/schema.ts';
import { SignalingServer } from '../src/signaling/SignalingServer.ts';
import { ensureTestCert } from '../../tests/support/tlsFixture.ts';
import { isAlive } from '../../tests/support/process.ts';

/** Open file descriptors of this process that point into `dir`. */
function openFilesUnder(dir: string): string[] {
  return fs
    .readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.startsWith(dir));
}

/**
 * A start-up step failing late (the HTTPS port is taken) closes everything built so far and
 * create() rejects: no worker, socket, database file or signaling server is left (issue 9 §5).
 */
describe('PorchlightServer.create when a later step fails', () => {
  let dataDir: string;
  let blocker: net.Server;
  let takenPort: number;

  const config = (port: number): Config => {
    const cert = ensureTestCert();
    return loadConfig(
      {
        host: '127.0.0.1',
        port,
        publicHost: '127.0.0.1',
        dataDir,
        devBootstrap: false,
        tls: { certFile: cert.certFile, keyFile: cert.keyFile },
        turn: { enabled: false },
        recording: { defaultMode: 'off' },
        auth: { tokenSecret: randomBytes(32).toString('base64url') },
        media: {
          numWorkers: 1,
          listenIp: '127.0.0.1',
          announcedAddress: '127.0.0.1',
          rtcPort: 0,
        },
      },
      {},
    );
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-create-'));
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    takenPort = (blocker.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('rejects with EADDRINUSE and leaves nothing running', async () => {
    const workers: types.Worker[] = [];
    const onWorker = (w: types.Worker): void => void workers.push(w);
    mediasoup.observer.on('newworker', onWorker);
    const signalingClose = vi.spyOn(SignalingServer.prototype, 'close');
    try {
      await expect(PorchlightServer.create(config(takenPort))).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      mediasoup.observer.off('newworker', onWorker);
    }
    expect(signalingClose).toHaveBeenCalledTimes(1);
    signalingClose.mockRestore();
    expect(workers.length).toBe(1);
    expect(workers.every((w) => w.closed)).toBe(true);
    await vi.waitFor(() => expect(workers.filter((w) => isAlive(w.pid))).toEqual([]), {
      timeout: 5000,
    });
    expect(openFilesUnder(fs.realpathSync(dataDir))).toEqual([]);
  });

  it('a second create() in the same process on a free port works', async () => {
    const server = await PorchlightServer.create(config(0));
    try {
      expect(server.port).toBeGreaterThan(0);
      expect(server.pool.slots.length).toBe(1);
    } finally {
      await server.close();
    }
    expect(openFilesUnder(fs.realpathSync(dataDir))).toEqual([]);
  });
});
