/**
 * kill -9 of the whole server mid-recording, then a restart on the same data directory: the
 * start-up repair must leave the index and the storage describing exactly the same segments,
 * every one of them decryptable and playable.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PorchlightClient } from '@porchlight/sdk';
import { AccessTokens } from '../../src/identity/authentication/AccessTokens.ts';
import { DataKeys } from '../../src/recording/crypto/DataKeys.ts';
import { MasterKeyRing } from '../../src/recording/crypto/MasterKeyRing.ts';
import { SegmentVault } from '../../src/recording/SegmentVault.ts';
import { FileStorage } from '../../src/recording/storage/FileStorage.ts';
import { createStore } from '../../src/store/createStore.ts';
import { SqlRecordingIndex } from '../../src/recording/index/SqlRecordingIndex.ts';
import { api } from '../../../tests/support/http.ts';
import { logEntry, loggedNumber } from '../../../tests/support/logs.ts';
import { installWrtcGlobals, syntheticCamera, YUV } from '../../../tests/support/wrtc.ts';
import { deviceRecord } from '../../../tests/support/records.ts';
import { decodeFrames, filesUnder, until } from './support.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function startServer(
  dataDir: string,
  secret: string,
): Promise<{ child: ChildProcessWithoutNullStreams; url: string; log: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repo,
    env: {
      ...process.env,
      PORCHLIGHT_HOST: '127.0.0.1',
      PORCHLIGHT_PUBLIC_HOST: '127.0.0.1',
      PORCHLIGHT_PORT: '0',
      PORCHLIGHT_RTC_PORT: '0',
      PORCHLIGHT_WORKERS: '1',
      PORCHLIGHT_MEDIA_LISTEN_IP: '127.0.0.1',
      PORCHLIGHT_ANNOUNCED_ADDRESS: '127.0.0.1',
      PORCHLIGHT_DATA_DIR: dataDir,
      PORCHLIGHT_TOKEN_SECRET: secret,
      PORCHLIGHT_TURN_ENABLED: 'false',
      PORCHLIGHT_DEV_BOOTSTRAP: 'false',
      PORCHLIGHT_LOG_LEVEL: 'info',
    },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    const check = () => {
      const url = logEntry(out, 'listening')?.['url'];
      if (typeof url === 'string') {
        clearTimeout(t);
        resolve({ child, url, log: () => out });
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
}

describe('crash safety', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-crash-'));
  const secret = randomUUID() + randomUUID();
  const children: ChildProcessWithoutNullStreams[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('kill -9 mid-recording, restart: index and storage agree and everything plays', async () => {
    // Seed a site, a camera and its owner straight into the database the server will open.
    const siteId = randomUUID();
    const deviceId = randomUUID();
    const ownerId = randomUUID();
    const seed = await createStore({ url: `sqlite:${path.join(dataDir, 'porchlight.db')}` });
    await seed.sites.create({ id: siteId, name: 'Home', createdAt: Date.now() });
    const device = deviceRecord(siteId, { id: deviceId });
    await seed.devices.create(device);
    await seed.accounts.create({
      id: ownerId,
      email: `${ownerId}@test.invalid`,
      displayName: 'O',
      passwordHash: 'x',
      isAdmin: false,
      createdAt: Date.now(),
      disabledAt: null,
    });
    await seed.grants.create({
      id: randomUUID(),
      accountId: ownerId,
      siteId,
      role: 'owner',
      deviceIds: null,
      validFrom: null,
      validUntil: null,
      createdBy: null,
      createdAt: Date.now(),
      revokedAt: null,
    });
    await seed.close();
    const tokens = new AccessTokens({ secret });
    const owner = (await tokens.issueAccount(ownerId)).token;

    const first = await startServer(dataDir, secret);
    children.push(first.child);
    installWrtcGlobals();
    const cam = new PorchlightClient({
      url: first.url,
      token: (await tokens.issueDevice(device)).token,
      device: { handlerName: 'Chrome111' },
      socketOptions: { rejectUnauthorized: false, reconnection: false },
    });
    await cam.connect();
    const source = syntheticCamera(640, 480, YUV.blue);
    await cam.publish(source.track, { source: 'camera', simulcast: false });
    const fragmentsAt = async (url: string) =>
      (
        await api<{ fragments: { seq: number }[] }>(
          url,
          'GET',
          `/api/v1/sites/${siteId}/devices/${deviceId}/recording/fragments?from=0&to=${Date.now() + 60_000}`,
          { token: owner },
        )
      ).body.fragments;
    await until(
      '4 segments',
      async () => (await fragmentsAt(first.url)).length >= 4 || undefined,
      40_000,
    );
    const recorderPid = loggedNumber(first.log(), 'recording started', 'pid');
    expect(alive(recorderPid)).toBe(true);

    // Mid-segment: a segment is indexed about 0.6 s after it ends, so when a new row appears the
    // next segment is already under way.
    const rowsBefore = (await fragmentsAt(first.url)).length;
    await until(
      'the next segment',
      async () => (await fragmentsAt(first.url)).length > rowsBefore || undefined,
    );
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    source.stop();
    cam.close();
    // The recorder does not outlive its server (its output pipe is gone).
    await until('the recorder to exit', () => !alive(recorderPid) || undefined, 30_000);

    // What the crash left: rows only for objects that exist (object first, then row).
    const storageDir = path.join(dataDir, 'recordings');
    const crashed = await createStore({ url: `sqlite:${path.join(dataDir, 'porchlight.db')}` });
    const rowsAtCrash = await new SqlRecordingIndex(crashed.executor).allSegments(deviceId);
    await crashed.close();
    const filesAtCrash = filesUnder(storageDir).map((f) => path.relative(storageDir, f));
    for (const r of rowsAtCrash) expect(filesAtCrash).toContain(r.storageKey);
    // At most the segment in flight (and a temp file) exist without a row.
    const extra = filesAtCrash.filter(
      (f) => !f.endsWith('init.mp4') && !rowsAtCrash.some((r) => r.storageKey === f),
    );
    expect(extra.length).toBeLessThanOrEqual(2);

    // Restart: the repair runs before recording resumes.
    const second = await startServer(dataDir, secret);
    children.push(second.child);
    const after = await fragmentsAt(second.url);
    expect(after.length).toBeGreaterThanOrEqual(rowsAtCrash.length - 1);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));

    const store = await createStore({ url: `sqlite:${path.join(dataDir, 'porchlight.db')}` });
    const index = new SqlRecordingIndex(store.executor);
    const rows = await index.allSegments(deviceId);
    const runs = await index.listRuns(deviceId);
    const indexed = new Set([...rows.map((r) => r.storageKey), ...runs.map((r) => r.storageKey)]);
    const files = filesUnder(storageDir).map((f) => path.relative(storageDir, f));
    expect(new Set(files)).toStrictEqual(indexed);
    // Every indexed segment decrypts to its recorded size and decodes with its init segment.
    const keys = new DataKeys({
      repo: index,
      masterKeys: MasterKeyRing.load({
        env: undefined,
        keyFile: path.join(dataDir, 'secrets', 'recording-master-keys'),
      }),
    });
    const vault = new SegmentVault(new FileStorage({ dir: storageDir }), keys);
    const init = await vault.get(runs[0]!.storageKey);
    const all = [init];
    for (const r of rows.filter((x) => x.runId === runs[0]!.id)) {
      const plain = await vault.get(r.storageKey);
      expect(plain.length).toBe(r.bytes);
      all.push(plain);
    }
    await store.close();
    const file = path.join(dataDir, 'replay.mp4');
    fs.writeFileSync(file, Buffer.concat(all));
    expect(await decodeFrames(file)).toBeGreaterThan(30);
  });
});
