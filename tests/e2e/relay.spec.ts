import { expect, test, type Browser, type Page } from '@playwright/test';
import { api } from '../support/http.ts';
import { testTurnConfig } from '../support/ports.ts';
import { startTestServer, type TestServer } from '../support/testServer.ts';
import { expectVideoAdvancing, statsOf } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

let ts: TestServer;
const OWNER = { email: 'owner@example.com', password: 'owner-password-1' };

test.beforeAll(async () => {
  ts = await startTestServer({ turn: await testTurnConfig() });
  await ts.createPerson({ ...OWNER, siteRole: 'owner' });
});

test.afterAll(async () => {
  await ts?.close();
});

/** Opens `url` with all media forced through the TURN relay over `transport`. */
async function relayPage(browser: Browser, url: string, transport: string): Promise<Page> {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
  await ctx.addInitScript((t) => localStorage.setItem('porchlight.forceRelay', t), transport);
  const page = await ctx.newPage();
  await page.goto(url);
  return page;
}

/** A camera and a viewer, both forced through the relay over `transport`, see each other. */
async function relayedCall(browser: Browser, transport: 'udp' | 'tcp' | 'tls'): Promise<void> {
  const { code } = await ts.provisioningCode({ name: `Relay ${transport}` });
  const camera = await relayPage(browser, `${ts.url}/#provision=${code}`, transport);
  await expect(camera.getByTestId('camera-status')).toHaveText('publishing', { timeout: 30_000 });
  const viewer = await relayPage(browser, `${ts.url}/`, transport);
  await viewer.getByTestId('login-email').fill(OWNER.email);
  await viewer.getByTestId('login-password').fill(OWNER.password);
  await viewer.getByTestId('login-submit').click();
  const tiles = viewer.locator('[data-testid="live-video"]');
  await expect(tiles).not.toHaveCount(0, { timeout: 30_000 });
  await expectVideoAdvancing(viewer, undefined, 30_000);
  // Both ends really use a relayed candidate pair, reaching coturn over the forced transport.
  for (const page of [viewer, camera]) {
    await expect
      .poll(async () => (await statsOf(page)).candidatePairType, { timeout: 15_000 })
      .toBe('relay');
    expect((await statsOf(page)).relayProtocol).toBe(transport);
  }
  await camera.context().close();
  await viewer.context().close();
}

for (const transport of ['udp', 'tcp', 'tls'] as const) {
  test(`camera and viewer forced to relay over ${transport} still deliver decoded video through the SFU`, async ({
    browser,
  }) => {
    await relayedCall(browser, transport);
  });
}

test('coturn killed mid-call: the supervisor restarts it and new calls work', async ({
  browser,
}) => {
  const supervisor = ts.server.turn!.supervisor;
  const before = supervisor.pid!;
  process.kill(before, 'SIGKILL');
  await expect
    .poll(() => supervisor.pid !== undefined && supervisor.pid !== before && supervisor.healthy, {
      timeout: 15_000,
    })
    .toBe(true);
  await relayedCall(browser, 'udp');
});

test('relayed sessions are metered per identity and readable through the API', async () => {
  const login = await api<{ accessToken: string }>(ts.url, 'POST', '/api/v1/auth/login', {
    body: OWNER,
  });
  await expect
    .poll(
      async () => {
        const res = await api<{ sessions: { principalKind: string; bytesReceived: number }[] }>(
          ts.url,
          'GET',
          `/api/v1/sites/${ts.siteId}/turn-usage`,
          { token: login.body.accessToken },
        );
        const kinds = new Set(
          res.body.sessions.filter((s) => s.bytesReceived > 0).map((s) => s.principalKind),
        );
        return kinds.has('device') && kinds.has('account');
      },
      { timeout: 20_000, intervals: [500] },
    )
    .toBe(true);
});
