import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { fragments, startCamera, until } from './support.ts';

/**
 * A run that ended (camera gone) is no longer "active": retention deletes its init segment once
 * its last segment expired, without waiting for a restart, and the service forgets the run
 * (issue 9 §5).
 */
describe('retention of a finished run', () => {
  let ts: TestServer;
  let owner: string;
  let cam: Awaited<ReturnType<typeof startCamera>> | undefined;

  beforeAll(async () => {
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
    owner = await ts.mint('viewer', { siteRole: 'owner' });
  });
  afterAll(async () => {
    cam?.stop();
    await ts?.close();
  });

  it('deletes the init segment of a run that ended, and the run leaves the active set', async () => {
    const service = ts.server.recording.service;
    cam = await startCamera(ts);
    const { deviceId } = cam;
    await until(
      '2 segments',
      async () => (await fragments(ts, owner, ts.siteId, deviceId)).length >= 2 || undefined,
    );
    const [run] = await service.index.listRuns(deviceId);
    expect(run).toBeDefined();
    expect(service.activeRunCount).toBe(1);

    cam.stop();
    cam = undefined;
    const status = `/api/v1/sites/${ts.siteId}/devices/${deviceId}/recording`;
    await until('the recorder to stop', async () => {
      const r = await api<{ recording: boolean }>(ts.url, 'GET', status, { token: owner });
      return r.body.recording === false || undefined;
    });
    // Its last writes land, then the run ends.
    await until('the run to end', () => service.activeRunCount === 0 || undefined, 10_000);

    const settings = await service.index.getStream(deviceId);
    await service.retention.enforce(
      { ...settings!, retentionMaxAgeSeconds: 1 },
      Date.now() + 3_600_000,
    );
    expect(await service.index.listRuns(deviceId)).toEqual([]);
    await expect(service.vault.storage.get(run!.storageKey)).rejects.toThrow();
  });
});
