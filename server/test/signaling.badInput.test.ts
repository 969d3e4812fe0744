import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { deriveAccessTokenKey } from '../src/identity/authentication/AccessTokens.ts';
import {
  connectRaw,
  fakeVp8RtpParameters,
  vp8RtpCapabilities,
  type RawClient,
} from '../../tests/support/rawClient.ts';
import { startTestServer, type TestServer } from '../../tests/support/testServer.ts';

type Data = Record<string, unknown>;

describe('hostile and malformed signaling input', () => {
  let ts: TestServer;
  let viewer: RawClient;
  let camera: RawClient;
  let producerId: string;
  let workerPid: number;

  beforeAll(async () => {
    ts = await startTestServer();
    workerPid = ts.server.pool.slots[0]!.worker.pid;
    camera = await connectRaw(ts.url, await ts.mint('camera'));
    viewer = await connectRaw(ts.url, await ts.mint('viewer'));
    expect((await camera.request('join', {})).ok).toBe(true);
    expect((await viewer.request('join', {})).ok).toBe(true);
    const t = await camera.request<Data>('createTransport', { direction: 'send' });
    if (!t.ok) throw new Error(t.error.message);
    const p = await camera.request<Data>('produce', {
      transportId: t.data['id'],
      kind: 'video',
      source: 'camera',
      rtpParameters: fakeVp8RtpParameters(),
    });
    if (!p.ok) throw new Error(p.error.message);
    producerId = p.data['producerId'] as string;
  });

  afterAll(async () => {
    viewer?.close();
    camera?.close();
    await ts?.close();
  });

  /** After every hostile case, the other peers are still served and the worker is untouched. */
  async function assertStillServing(): Promise<void> {
    const res = await viewer.request<Data>('createTransport', { direction: 'recv' });
    expect(res.ok).toBe(true);
    if (res.ok)
      expect((await viewer.request('closeTransport', { transportId: res.data['id'] })).ok).toBe(
        true,
      );
    expect(ts.server.pool.slots[0]?.worker.pid).toBe(workerPid);
    expect(ts.server.pool.slots[0]?.worker.closed).toBe(false);
  }

  it('answers unknown events with UNKNOWN_EVENT', async () => {
    const res = await viewer.request('dropDatabase', { all: true });
    expect(res).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_EVENT', message: expect.any(String) },
    });
    await assertStillServing();
  });

  it.each([
    ['a string payload', ['createTransport', 'send']],
    ['a null payload', ['createTransport', null]],
    ['no payload', ['createTransport']],
    ['two payloads', ['createTransport', { direction: 'send' }, { direction: 'recv' }]],
    ['an unknown enum value', ['createTransport', { direction: 'sideways' }]],
    ['an extra field', ['createTransport', { direction: 'send', admin: true }]],
    ['a number id', ['connectTransport', { transportId: 42, dtlsParameters: {} }]],
    [
      'an array for an object',
      ['consume', { transportId: 'x', producerId: 'y', rtpCapabilities: [] }],
    ],
    ['an overlong id', ['resumeConsumer', { consumerId: 'x'.repeat(1000) }]],
    [
      'a prototype-polluting key',
      ['closeProducer', JSON.parse('{"__proto__": {"polluted": 1}, "producerId": "p"}')],
    ],
  ])('refuses %s with BAD_REQUEST', async (_name, [event, ...args]) => {
    const res = await viewer.request(event as string, ...(args as unknown[]));
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.code).toBe('BAD_REQUEST');
    expect(({} as Data)['polluted']).toBeUndefined();
    await assertStillServing();
  });

  it('refuses semantically bad rtpParameters with BAD_REQUEST, not a crash', async () => {
    const t = await camera.request<Data>('createTransport', { direction: 'send' });
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    const res = await camera.request('produce', {
      transportId: t.data['id'],
      kind: 'video',
      source: 'camera',
      rtpParameters: {
        codecs: [{ mimeType: 'video/NOPE', payloadType: 99, clockRate: 90000 }],
        encodings: [{ ssrc: 1 }],
      },
    });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.code).toBe('BAD_REQUEST');
    await assertStillServing();
  });

  it('refuses an id that is not an id (a path in a siteId) with BAD_REQUEST, not INTERNAL', async () => {
    const c = await connectRaw(ts.url, await ts.mint('viewer'));
    for (const siteId of ['../x', 'a/b', 'a b', '%2e%2e', 'x\u0000']) {
      const res = await c.request('join', { siteId });
      expect(res.ok === false && res.error.code, siteId).toBe('BAD_REQUEST');
    }
    expect((await c.request('join', {})).ok).toBe(true);
    c.close();
    await assertStillServing();
  });

  it.each([
    ['NUL', 'Porch\u0000'],
    ['ESC', 'Porch\u001b[31m'],
    ['a C1 control', 'Porch\u0085'],
    ['a right-to-left override', 'Porch\u202egpj.exe'],
    ['a bidi isolate', '\u2066Porch'],
  ])('refuses a label with %s with BAD_REQUEST', async (_name, label) => {
    const c = await connectRaw(ts.url, await ts.mint('viewer'));
    const res = await c.request('join', { label });
    expect(res.ok === false && res.error.code).toBe('BAD_REQUEST');
    expect((await c.request('join', { label: 'Porch Ünïcode 门铃' })).ok).toBe(true);
    c.close();
  });

  it('refuses a second producer with an SSRC or mid already in use with BAD_REQUEST, not INTERNAL', async () => {
    const cam = await connectRaw(ts.url, await ts.mint('camera'));
    expect((await cam.request('join', {})).ok).toBe(true);
    const t = await cam.request<Data>('createTransport', { direction: 'send' });
    if (!t.ok) throw new Error(t.error.message);
    const produce = (rtpParameters: unknown) =>
      cam.request<Data>('produce', {
        transportId: t.data['id'],
        kind: 'video',
        source: 'camera',
        rtpParameters,
      });
    expect((await produce(fakeVp8RtpParameters(5555))).ok).toBe(true);
    const sameSsrc = await produce({ ...fakeVp8RtpParameters(5555), mid: '7' });
    expect(sameSsrc.ok === false && sameSsrc.error).toEqual({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/ssrc/i),
    });
    const sameMid = await produce(fakeVp8RtpParameters(6666));
    expect(sameMid.ok === false && sameMid.error).toEqual({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/mid/i),
    });
    const twice = await produce({
      ...fakeVp8RtpParameters(7777),
      mid: '8',
      encodings: [{ ssrc: 7777 }, { ssrc: 7777 }],
    });
    expect(twice.ok === false && twice.error.code).toBe('BAD_REQUEST');
    // The refusals left nothing behind: a fresh SSRC and mid still publish.
    expect((await produce({ ...fakeVp8RtpParameters(8888), mid: '9' })).ok).toBe(true);
    cam.close();
    await assertStillServing();
  });

  it('closes the socket of an oversized payload and keeps serving others', async () => {
    const victim = await connectRaw(ts.url, await ts.mint('viewer'));
    const closed = new Promise<string>((resolve) =>
      victim.socket.once('disconnect', (r) => resolve(r)),
    );
    victim.socket.emit('join', { label: 'x'.repeat(512 * 1024) }, () => undefined);
    expect(await closed).toBeTruthy();
    await assertStillServing();
  });

  it('refuses a too-long label with BAD_REQUEST', async () => {
    const c = await connectRaw(ts.url, await ts.mint('viewer'));
    const res = await c.request('join', { label: 'x'.repeat(65) });
    expect(res.ok).toBe(false);
    c.close();
  });

  it('requires join before media requests, and only one join', async () => {
    const c = await connectRaw(ts.url, await ts.mint('viewer'));
    const before = await c.request('createTransport', { direction: 'recv' });
    expect(before.ok === false && before.error.code).toBe('CONFLICT');
    expect((await c.request('join', {})).ok).toBe(true);
    const again = await c.request('join', {});
    expect(again.ok === false && again.error.code).toBe('CONFLICT');
    c.close();
  });

  it("refuses to consume another site's producer (NOT_FOUND), and allows its own site", async () => {
    const other = await connectRaw(ts.url, await ts.mint('viewer', { siteId: 'another-site' }));
    const join = await other.request<Data>('join', {});
    expect(join.ok && (join.data['producers'] as unknown[]).length).toBe(0);
    const t = await other.request<Data>('createTransport', { direction: 'recv' });
    if (!t.ok) throw new Error(t.error.message);
    const res = await other.request('consume', {
      transportId: t.data['id'],
      producerId,
      rtpCapabilities: vp8RtpCapabilities,
    });
    expect(res.ok === false && res.error.code).toBe('NOT_FOUND');
    other.close();

    const own = await viewer.request<Data>('createTransport', { direction: 'recv' });
    if (!own.ok) throw new Error(own.error.message);
    const ok = await viewer.request<Data>('consume', {
      transportId: own.data['id'],
      producerId,
      rtpCapabilities: vp8RtpCapabilities,
    });
    expect(ok.ok).toBe(true);
  });

  it('forbids a role from consuming or publishing what it may not', async () => {
    const cam2 = await connectRaw(ts.url, await ts.mint('camera'));
    await cam2.request('join', {});
    const t = await cam2.request<Data>('createTransport', { direction: 'recv' });
    if (!t.ok) throw new Error(t.error.message);
    const res = await cam2.request('consume', {
      transportId: t.data['id'],
      producerId,
      rtpCapabilities: vp8RtpCapabilities,
    });
    expect(res.ok === false && res.error.code).toBe('FORBIDDEN');
    cam2.close();

    const vt = await viewer.request<Data>('createTransport', { direction: 'send' });
    if (!vt.ok) throw new Error(vt.error.message);
    const pub = await viewer.request('produce', {
      transportId: vt.data['id'],
      kind: 'video',
      source: 'camera',
      rtpParameters: fakeVp8RtpParameters(2222),
    });
    expect(pub.ok === false && pub.error.code).toBe('FORBIDDEN');
    await assertStillServing();
  });

  it('rate-limits a flood of requests', async () => {
    const c = await connectRaw(ts.url, await ts.mint('viewer'));
    const results = await Promise.all(Array.from({ length: 300 }, () => c.request('nope', {})));
    expect(results.some((r) => !r.ok && r.error.code === 'RATE_LIMITED')).toBe(true);
    c.close();
    await assertStillServing();
  });

  describe('tokens', () => {
    const refused = async (token: unknown): Promise<string> => {
      try {
        const c = await connectRaw(ts.url, token);
        c.close();
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };

    it('refuses a missing or garbage token', async () => {
      expect(await refused(undefined)).toMatch(/UNAUTHORIZED/);
      expect(await refused('not-a-jwt')).toMatch(/UNAUTHORIZED/);
      expect(await refused({ $gt: '' })).toMatch(/UNAUTHORIZED/);
      expect(await refused('a'.repeat(10_000))).toMatch(/UNAUTHORIZED/);
    });

    it('refuses an expired token', async () => {
      const token = await ts.mint('viewer', { expiredSecondsAgo: 10 });
      expect(await refused(token)).toMatch(/UNAUTHORIZED: token expired/);
    });

    const sign = (claims: Record<string, unknown>, key: Uint8Array) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('porchlight')
        .setAudience('porchlight')
        .setJti('x')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(key);

    it('refuses a token signed with another key, and accepts the same claims with the right key', async () => {
      const { id } = await ts.mintWithId('viewer');
      const claims = { typ: 'account', sub: id };
      expect(await refused(await sign(claims, deriveAccessTokenKey('x'.repeat(40))))).toMatch(
        /UNAUTHORIZED: token invalid/,
      );
      expect(await refused(await sign(claims, deriveAccessTokenKey(ts.secret)))).toBe('accepted');
    });

    it('refuses alg:none and tampered claims', async () => {
      const good = await ts.mint('viewer');
      const [h, p, s] = good.split('.') as [string, string, string];
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Data;
      const other = await ts.mintWithId('viewer', { siteId: 'other-site' });
      expect(await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${p}.`)).toMatch(/UNAUTHORIZED/);
      expect(
        await refused(`${b64({ alg: 'none' })}.${b64({ ...payload, sub: other.id })}.`),
      ).toMatch(/UNAUTHORIZED/);
      expect(await refused(`${h}.${b64({ ...payload, sub: other.id })}.${s}`)).toMatch(
        /UNAUTHORIZED/,
      );
      expect(await refused(`${h}.${b64({ ...payload, typ: 'device' })}.${s}`)).toMatch(
        /UNAUTHORIZED/,
      );
      expect(
        await refused(`${h}.${b64({ ...payload, exp: (payload['exp'] as number) + 3600 })}.${s}`),
      ).toMatch(/UNAUTHORIZED/);
    });

    it('refuses a device token once the device is revoked', async () => {
      const { token, id } = await ts.mintWithId('camera');
      expect(await refused(token)).toBe('accepted');
      await ts.server.identity.provisioning.revokeDevice(id);
      expect(await refused(token)).toMatch(/UNAUTHORIZED/);
    });
  });

  it('server survived everything: both original peers are still served', async () => {
    await assertStillServing();
    const t = await camera.request('createTransport', { direction: 'recv' });
    expect(t.ok).toBe(true);
  });
});
