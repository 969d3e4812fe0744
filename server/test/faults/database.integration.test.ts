/**
 * kill -9 of PostgreSQL under a server that records a camera a viewer watches: live video goes
 * on, the segments cut while the database is down are indexed once it is back (their index writes
 * wait and retry), recording goes on, and afterwards the index and the storage agree. Measured:
 * kill -> restart (crash recovery) and restart -> the first segment indexed again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../../tests/support/postgres.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { until } from '../recording/support.ts';
import { expectIndexEqualsStorage, grows, watchedCamera, type Watched } from './world.ts';

describe('kill -9 of PostgreSQL', () => {
  let postgres: TestPostgres;
  let ts: TestServer;
  let w: Watched;

  beforeAll(async () => {
    // A production database does not forget an acknowledged commit when killed.
    postgres = await startPostgres({ crashSafe: true });
    ts = await startTestServer({
      database: { url: `${postgres.url}?schema=faults_pg` },
      recording: { defaultMode: 'continuous' },
    });
    w = await watchedCamera(ts);
    await grows('first frames', w.frames, 10);
    await grows('first segments', w.segments, 2);
  }, 120_000);
  afterAll(async () => {
    w?.close();
    await ts?.close();
    await postgres?.stop();
  }, 60_000);

  it('live video goes on, segments cut meanwhile are indexed once it is back, index == storage', async () => {
    const { service } = ts.server.recording;
    const stream = (await service.streamOf(w.camera.deviceId))!;
    const failures: string[] = [];
    service.on('failure', (r) => failures.push(r));
    let cut = 0;
    stream.on('decided', ({ fate }) => fate === 'persisted' && cut++);
    const indexedBefore = w.segments();

    await postgres.crash();
    const down = Date.now();
    // Two segments cut while the database is down; the viewer keeps decoding meanwhile.
    await until('2 segments cut while down', () => cut >= 2, 30_000);
    const framesDown = await grows('frames while the database is down', w.frames, 30);
    expect(w.segments()).toBe(indexedBefore);
    const t0 = Date.now();
    await postgres.restart();
    const restartMs = Date.now() - t0;
    const backMs = await grows('the waiting segments indexed', w.segments, 2, 60_000);
    await grows('new segments', w.segments, 2);
    expect(failures).toStrictEqual([]);
    console.info(
      `[faults] PostgreSQL kill -9: down ${t0 - down} ms (30 frames in ${framesDown} ms), ` +
        `restart ${restartMs} ms, waiting segments indexed ${backMs} ms after the restart`,
    );

    const deviceId = w.camera.deviceId;
    w.close();
    const n = await expectIndexEqualsStorage(ts, deviceId);
    expect(n).toBeGreaterThanOrEqual(indexedBefore + 4);
  });
});
