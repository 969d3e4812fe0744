import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';

/** Finding 10: a camera's IP address and user agent are for those who manage it, not guests. */
describe("a camera's network identity", () => {
  let ts: TestServer;
  let cameraId: string;

  beforeAll(async () => {
    ts = await startTestServer();
    // Provisioned through the real identity model with address 127.0.0.1 and user agent 'test'.
    cameraId = (await ts.mintWithId('camera', { label: 'Porch' })).id;
  });
  afterAll(async () => {
    await ts?.close();
  });

  const listAs = async (token: string) => {
    const res = await api<{ lastAddress: string | null; userAgent: string | null; id: string }[]>(
      ts.url,
      'GET',
      `/api/v1/sites/${ts.siteId}/devices`,
      { token },
    );
    expect(res.status).toBe(200);
    const camera = res.body.find((d) => d.id === cameraId);
    expect(camera).toBeDefined();
    return camera!;
  };

  it('owners see the address and user agent', async () => {
    const camera = await listAs(await ts.mint('viewer', { siteRole: 'owner' }));
    expect(camera).toMatchObject({ lastAddress: '127.0.0.1', userAgent: 'test' });
  });

  it('guests and members see the camera without them', async () => {
    for (const siteRole of ['guest', 'member'] as const) {
      const camera = await listAs(await ts.mint('viewer', { siteRole }));
      expect({ siteRole, ...camera }).toMatchObject({
        siteRole,
        lastAddress: null,
        userAgent: null,
      });
    }
    const scoped = await listAs(
      await ts.mint('viewer', { siteRole: 'guest', deviceIds: [cameraId] }),
    );
    expect(scoped).toMatchObject({ lastAddress: null, userAgent: null });
  });
});
