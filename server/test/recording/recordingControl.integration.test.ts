import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataKeys } from '../../src/recording/crypto/DataKeys.ts';
import { DecryptionError, KeyUnavailableError } from '../../src/recording/crypto/errors.ts';
import { MasterKeyRing } from '../../src/recording/crypto/MasterKeyRing.ts';
import { SegmentVault } from '../../src/recording/SegmentVault.ts';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import {
  cameraSent,
  filesUnder,
  fragments,
  nextDecisions,
  ringMs,
  startCamera,
  until,
  type Fragment,
} from './support.ts';

const rec = (ts: TestServer, deviceId: string, tail = '') =>
  `/api/v1/sites/${ts.siteId}/devices/${deviceId}/recording${tail}`;

describe('recording control, access and encryption at rest', () => {
  let ts: TestServer;
  let owner: string;
  let cam: Awaited<ReturnType<typeof startCamera>>;
  let camToken: string;

  beforeAll(async () => {
    ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
    owner = await ts.mint('viewer', { siteRole: 'owner' });
    cam = await startCamera(ts);
    camToken = cam.token;
    await until(
      '3 segments',
      async () => (await fragments(ts, owner, ts.siteId, cam.deviceId)).length >= 3 || undefined,
    );
  });
  afterAll(async () => {
    cam?.stop();
    await ts?.close();
  });

  async function playback(token: string, body: Record<string, unknown> = {}) {
    return api<{ live: string; vod: string | null; clip: string | null; snapshot: string }>(
      ts.url,
      'POST',
      rec(ts, cam.deviceId, '/playback'),
      { token, body },
    );
  }

  it('no playlist, segment, clip or snapshot without a valid signed URL', async () => {
    const list = await fragments(ts, owner, ts.siteId, cam.deviceId);
    const from = list[0]!.producerTime;
    const to = list[list.length - 1]!.producerTime + 2000;
    const pb = await playback(owner, { from, to });
    expect(pb.status).toBe(200);
    const ok = await fetch(`${ts.url}${pb.body.vod}`);
    expect(ok.status).toBe(200);
    const seg = (await ok.text()).split('\n').find((l) => l.startsWith('seg/'))!;
    const base = pb.body.vod!.replace('vod.m3u8', '');
    expect((await fetch(`${ts.url}${base}${seg}`)).status).toBe(200);

    const token = base.split('/')[2]!;
    const [payload, mac] = token.split('.') as [string, string];
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const forged = [
      `${flip(payload, 20)}.${mac}`,
      `${payload}.${flip(mac, 5)}`,
      `${payload}.`,
      'garbage',
      `${payload}.${mac}.extra`,
    ];
    for (const bad of forged) {
      for (const p of ['vod.m3u8', 'live.m3u8', seg, 'clip.mp4', `snapshot.jpg?at=${from}`]) {
        const r = await fetch(`${ts.url}/media/${bad}/${p}`);
        expect(r.status, `${bad} ${p}`).toBe(401);
        expect(r.headers.get('content-type')).toMatch(/json/);
      }
    }
    // Expired, though correctly signed.
    const expired = ts.server.recording.api.tokens.mint({
      deviceId: cam.deviceId,
      siteId: ts.siteId,
      principal: { kind: 'account', id: 'x' },
      from,
      to,
      expiresAt: Date.now() - 1,
    });
    expect((await fetch(`${ts.url}/media/${expired}/vod.m3u8`)).status).toBe(401);
    // Signed for a principal without the right (an unknown account): refused at playlist time.
    const stranger = ts.server.recording.api.tokens.mint({
      deviceId: cam.deviceId,
      siteId: ts.siteId,
      principal: { kind: 'account', id: 'no-such-account' },
      from,
      to,
      expiresAt: Date.now() + 60_000,
    });
    expect((await fetch(`${ts.url}/media/${stranger}/vod.m3u8`)).status).toBe(403);
    // Outside the signed range: the segment does not exist for this URL.
    const narrow = await playback(owner, {
      from: list[0]!.producerTime,
      to: list[0]!.producerTime + 100,
    });
    const last = list[list.length - 1]!;
    expect(
      (await fetch(`${ts.url}${narrow.body.vod!.replace('vod.m3u8', `seg/${last.seq}.m4s`)}`))
        .status,
    ).toBe(404);
    // REST needs a bearer; guests limited to live view get no playback.
    expect(
      (await api(ts.url, 'POST', rec(ts, cam.deviceId, '/playback'), { body: {} })).status,
    ).toBe(401);
    const guest = await ts.mint('viewer', { siteRole: 'guest' });
    expect((await playback(guest, { from, to })).status).toBe(403);
  });

  it('a member whose access is revoked loses playback of an already signed URL within seconds', async () => {
    const member = await ts.mintWithId('viewer', { siteRole: 'member' });
    const pb = await playback(member.token);
    expect(pb.status).toBe(200);
    expect((await fetch(`${ts.url}${pb.body.live}`)).status).toBe(200);
    const [grant] = await ts.server.store.grants.listForAccount(member.id);
    await ts.server.store.grants.revoke(grant!.id, Date.now());
    await until(
      'the revoked member to be refused',
      async () => (await fetch(`${ts.url}${pb.body.live}`)).status === 403 || undefined,
      10_000,
    );
  });

  it('stored objects are ciphertext: no plaintext box, init or segment bytes on disk', async () => {
    const dir = path.join(ts.server.config.dataDir, 'recordings');
    const files = filesUnder(dir);
    expect(files.length).toBeGreaterThan(3);
    const list = await fragments(ts, owner, ts.siteId, cam.deviceId);
    const rows = await ts.server.recording.index.allSegments(cam.deviceId);
    const run = (await ts.server.recording.index.getRun(rows[0]!.runId))!;
    const vault = ts.server.recording.service.vault;
    const plainInit = await vault.get(run.storageKey);
    const plainSeg = await vault.get(rows[0]!.storageKey);
    expect(plainInit.subarray(4, 8).toString()).toBe('ftyp');
    const markers = [
      plainInit.subarray(0, 32),
      plainSeg.subarray(0, 32),
      plainSeg.subarray(plainSeg.length - 32),
      Buffer.from('ftypiso'),
      Buffer.from('moov'),
      Buffer.from('mdat'),
      Buffer.from('avcC'),
    ];
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      for (const m of markers)
        expect(bytes.includes(m), `${f} contains ${m.toString('hex')}`).toBe(false);
    }
    expect(list.length).toBeGreaterThan(0);
  });

  it('a wrong master key gives a clean error, and the right one still opens everything', async () => {
    const rows = await ts.server.recording.index.allSegments(cam.deviceId);
    const wrong = new SegmentVault(
      ts.server.recording.service.vault.storage,
      new DataKeys({
        repo: ts.server.recording.index,
        masterKeys: new MasterKeyRing([{ id: 'mk-wrong', key: randomBytes(32) }]),
      }),
    );
    const error = await wrong.get(rows[0]!.storageKey).catch((e: unknown) => e);
    expect(error instanceof KeyUnavailableError || error instanceof DecryptionError).toBe(true);
    expect(String(error)).not.toMatch(/[A-Za-z0-9+/]{40,}/); // no key material in the message
    // Same id, different bytes: authentication fails rather than yielding garbage.
    const [record] = await ts.server.recording.index.listDataKeys();
    const impostor = new SegmentVault(
      ts.server.recording.service.vault.storage,
      new DataKeys({
        repo: ts.server.recording.index,
        masterKeys: new MasterKeyRing([{ id: record!.masterKeyId, key: randomBytes(32) }]),
      }),
    );
    await expect(impostor.get(rows[0]!.storageKey)).rejects.toBeInstanceOf(DecryptionError);
    for (const s of rows.slice(0, 5)) {
      expect((await ts.server.recording.service.vault.get(s.storageKey)).length).toBe(s.bytes);
    }
  });

  it('rotating keys: new segments use a new data key, old ones still play', async () => {
    const admin = await ts.mint('viewer', { siteRole: 'owner' });
    expect(
      (await api(ts.url, 'POST', '/api/v1/admin/recording-keys/rotate', { token: admin, body: {} }))
        .status,
    ).toBe(403);
    const before = await ts.server.recording.index.allSegments(cam.deviceId);
    const result = await ts.server.recording.api.rotateKeys();
    expect(result.rotated).toBeGreaterThanOrEqual(1);
    await until('a segment under the new key', async () => {
      const after = await ts.server.recording.index.allSegments(cam.deviceId);
      return after.some((s) => s.keyId !== before[0]!.keyId) || undefined;
    });
    expect((await ts.server.recording.service.vault.get(before[0]!.storageKey)).length).toBe(
      before[0]!.bytes,
    );
  });

  it('a killed recorder loses at most its segment in progress; a new run continues', async () => {
    const stream = (await ts.server.recording.service.streamOf(cam.deviceId))!;
    const firstRun = stream.activeRunId!;
    const before = (await fragments(ts, owner, ts.siteId, cam.deviceId)).length;
    const crashes = async (): Promise<number> => {
      const text = await (await fetch(`${ts.url}/metrics`)).text();
      const line = /^porchlight_recording_failures_total\{reason="recorder_exit"\} (\d+)$/m;
      return Number(line.exec(text)?.[1]);
    };
    const crashesBefore = await crashes();
    stream.killRecorder();
    await until(
      'a new run',
      () => (stream.activeRunId && stream.activeRunId !== firstRun) || undefined,
    );
    await until('segments of the new run', async () => {
      const rows = await ts.server.recording.index.allSegments(cam.deviceId);
      return rows.filter((r) => r.runId === stream.activeRunId).length >= 2 || undefined;
    });
    const rows = await ts.server.recording.index.allSegments(cam.deviceId);
    expect(rows.length).toBeGreaterThan(before);
    // /metrics counted the crash.
    expect((await crashes()) - crashesBefore).toBe(1);
    // Every row has its object, of the recorded size.
    const objects = new Map<string, number>();
    for await (const o of ts.server.recording.service.vault.storage.list(''))
      objects.set(o.key, o.size);
    for (const r of rows) expect(objects.get(r.storageKey), r.storageKey).toBe(r.storedBytes);
    // The playlist marks the run change: a discontinuity and a second init segment.
    const pb = await playback(owner, { from: rows[0]!.producerTime, to: Date.now() });
    const text = await (await fetch(`${ts.url}${pb.body.vod}`)).text();
    expect(text.match(/#EXT-X-MAP/g)!.length).toBeGreaterThanOrEqual(2);
    expect(text).toContain('#EXT-X-DISCONTINUITY');
  });

  it('event mode keeps only the pre-roll in memory until a trigger, then persists it with the post-roll', async () => {
    const patch = await api(ts.url, 'PATCH', rec(ts, cam.deviceId), {
      token: owner,
      body: { mode: 'event', preRollSeconds: 6, postRollSeconds: 4 },
    });
    expect(patch.status).toBe(200);
    const stream = (await ts.server.recording.service.streamOf(cam.deviceId))!;
    await until('the pre-roll ring to hold 6 s', () => ringMs(stream) >= 6_000 || undefined);
    await stream.drain();
    const idle = await fragments(ts, owner, ts.siteId, cam.deviceId);
    const idleFates = await nextDecisions(stream, 2);
    expect(idleFates.map((d) => d.fate)).toStrictEqual(['ringed', 'ringed']);
    await stream.drain();
    expect((await fragments(ts, owner, ts.siteId, cam.deviceId)).length).toBe(idle.length);
    // The camera itself raises the event (its person detection); another device could not.
    const triggeredAt = Date.now();
    const ev = await api(ts.url, 'POST', rec(ts, cam.deviceId, '/events'), {
      token: camToken,
      body: { type: 'person' },
    });
    expect(ev.status).toBe(202);
    const persisted = await until('pre-roll and post-roll segments', async () => {
      const f = (await fragments(ts, owner, ts.siteId, cam.deviceId)).slice(idle.length);
      const end = f.length ? f[f.length - 1]!.producerTime + f[f.length - 1]!.durationMs : 0;
      return end >= triggeredAt + 3_000 ? f : undefined;
    });
    // At least 5 s before the trigger were kept.
    expect(persisted[0]!.producerTime).toBeLessThanOrEqual(triggeredAt - 5_000);
    expect(persisted.some((f: Fragment) => f.tags.includes('person'))).toBe(true);
    // After the post-roll nothing more is persisted.
    await nextDecisions(stream, 1, (d) => d.fate === 'ringed');
    await stream.drain();
    const settled = (await fragments(ts, owner, ts.siteId, cam.deviceId)).length;
    const afterFates = await nextDecisions(stream, 2);
    expect(afterFates.map((d) => d.fate)).toStrictEqual(['ringed', 'ringed']);
    await stream.drain();
    expect((await fragments(ts, owner, ts.siteId, cam.deviceId)).length).toBe(settled);
  });

  it('on-demand recording runs between start and stop only', async () => {
    const patch = await api<{ recording: boolean }>(ts.url, 'PATCH', rec(ts, cam.deviceId), {
      token: owner,
      body: { mode: 'on-demand' },
    });
    expect(patch.body.recording).toBe(false);
    const before = (await fragments(ts, owner, ts.siteId, cam.deviceId)).length;
    const start = await api<{ recording: boolean; onDemandUntil: number }>(
      ts.url,
      'POST',
      rec(ts, cam.deviceId, '/start'),
      {
        token: owner,
        body: { durationSeconds: 120 },
      },
    );
    expect(start.status).toBe(200);
    await until(
      'on-demand segments',
      async () =>
        (await fragments(ts, owner, ts.siteId, cam.deviceId)).length >= before + 2 || undefined,
    );
    const stream = (await ts.server.recording.service.streamOf(cam.deviceId))!;
    // Stopped = its recorder exited and the segment in progress at the stop is written.
    const ended = new Promise((r) => stream.once('runEnded', r));
    const stop = await api<{ recording: boolean }>(ts.url, 'POST', rec(ts, cam.deviceId, '/stop'), {
      token: owner,
      body: {},
    });
    expect(stop.status).toBe(200);
    await until(
      'the recorder to stop',
      () => stream.activeRunId === undefined || undefined,
      15_000,
    );
    await ended;
    await stream.drain();
    const after = (await fragments(ts, owner, ts.siteId, cam.deviceId)).length;
    await cameraSent(ts, cam.deviceId, 4_000);
    expect(stream.activeRunId).toBeUndefined();
    expect((await fragments(ts, owner, ts.siteId, cam.deviceId)).length).toBe(after);
    // Start is refused in other modes, with a reason.
    await api(ts.url, 'PATCH', rec(ts, cam.deviceId), {
      token: owner,
      body: { mode: 'continuous' },
    });
    const refused = await api<{ error: { message: string } }>(
      ts.url,
      'POST',
      rec(ts, cam.deviceId, '/start'),
      {
        token: owner,
        body: {},
      },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/continuous/);
  });

  it('rejects bad settings and ranges with clear errors', async () => {
    const bad: unknown[] = [
      { mode: 'sometimes' },
      { preRollSeconds: 2 },
      { retentionMaxAgeSeconds: -1 },
      { tags: { 'Bad Key': 'x' } },
      {},
      { mode: 'event', extra: 1 },
    ];
    for (const body of bad) {
      const r = await api<{ error: { code: string } }>(ts.url, 'PATCH', rec(ts, cam.deviceId), {
        token: owner,
        body,
      });
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    for (const q of ['from=5&to=1', 'from=abc&to=1', 'from=0&to=99999999999999999', 'from=0']) {
      const r = await api(ts.url, 'GET', rec(ts, cam.deviceId, `/timeline?${q}`), { token: owner });
      expect(r.status, q).toBe(400);
    }
    const r = await api(ts.url, 'POST', rec(ts, cam.deviceId, '/playback'), {
      token: owner,
      body: { from: 10 },
    });
    expect(r.status).toBe(400);
    expect(
      (
        await api(ts.url, 'GET', `/api/v1/sites/${ts.siteId}/devices/nope/recording`, {
          token: owner,
        })
      ).status,
    ).toBe(404);
  });
});
