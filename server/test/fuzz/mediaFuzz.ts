/**
 * Media fuzz against a real server with a live camera: WHIP and WHEP POST/PATCH/DELETE with
 * valid, near-valid and mutated SDP and trickle fragments, good, expired, tampered and foreign
 * tokens and wrong content types; HLS playlist, segment, part, clip and snapshot URLs with
 * mutated signed tokens, file names (path traversal included) and query strings; event snapshot
 * uploads with garbage bodies. Returns what the caller asserts: every answer deliberate (no 5xx
 * but 503, coded JSON errors, no stack traces), no unhandled errors, the mediasoup worker alive,
 * no mediasoup object left once the sessions are deleted, and the honest viewer's frames.
 */
import fc from 'fast-check';
import { randomBytes, randomUUID } from 'node:crypto';
import { StartEventSchema, WhipPaths } from '@porchlight/protocol';
import { PlaybackTokens } from '../../src/recording/playback/PlaybackTokens.ts';
import type { TestServer } from '../../../tests/support/testServer.ts';
import { until } from '../../../tests/support/until.ts';
import { offer as handOffer } from '../whip/offers.ts';
import { startHonestPair, type HonestPair } from './honestPair.ts';
import { extra, mediasoupObjects } from './mediasoupObjects.ts';
import { int, mutateSdp, pick, rng, trickleFragment, type Rng } from './sdpMutations.ts';
import { hostileString, valid } from './zodArbitrary.ts';
import '../../../tests/support/http.ts';

export interface MediaFuzzOptions {
  seed: number;
  requests: number;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** Called at each tenth of the run (requests sent so far). */
  onProgress?: (sent: number) => void;
}

export interface MediaFuzzFinding {
  target: string;
  request: string;
  status: number;
  body: string;
}

export interface MediaFuzzResult {
  requests: number;
  durationMs: number;
  /** Responses by `<target> <status>` (target: whip-post, whep-patch, hls, upload, …). */
  statuses: Record<string, number>;
  /** 5xx but 503, uncoded or non-JSON errors, stack traces, leaked files, timeouts. */
  bugs: MediaFuzzFinding[];
  unhandled: string[];
  workerAlive: boolean;
  /** mediasoup objects beyond the honest pair's once every fuzz session was deleted. */
  leaked: {
    routers: number;
    transports: number;
    producers: number;
    consumers: number;
    sessions: number;
  };
  /** Sessions the fuzz opened (201) and deleted (200). */
  sessions: { created: number; deleted: number };
  /** Decoded frames of the honest viewer at each tenth of the run, and after it. */
  frames: number[];
}

interface Session {
  kind: 'whip' | 'whep';
  url: string;
  token: string;
  ufrag: string;
  etag: string;
}

/** What a request needs: tokens, devices, live sessions, signed playback tokens, event ids. */
interface Fixture {
  url: string;
  siteId: string;
  honest: HonestPair;
  owner: string;
  /** Cameras the fuzz publishes as (WHIP), with their tokens. */
  cams: { id: string; token: string }[];
  /** Tokens that must not open anything here. */
  badViewers: string[];
  badCameras: string[];
  whepOffers: string[];
  whipOffers: string[];
  sessions: Session[];
  playback: { good: string[]; bad: string[] };
  /** URIs the playlists answered with (segments, parts, init segments), to ask for next. */
  mediaFiles: string[];
  events: { deviceId: string; eventId: string; token: string }[];
}

const STACK = /\n\s+at .+:\d+:\d+|node_modules|\/src\/.*\.ts/;
/** What a path traversal must never return. */
const LEAK = /root:x:0:0|PRIVATE KEY|"tokenSecret"/;

export async function runMediaFuzz(ts: TestServer, o: MediaFuzzOptions): Promise<MediaFuzzResult> {
  const unhandled: string[] = [];
  const onUnhandled = (e: unknown): void => void unhandled.push(String((e as Error)?.stack ?? e));
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  const worker = ts.server.pool.slots[0]!.worker;
  const workerPid = worker.pid;
  let honest: HonestPair | undefined;
  try {
    honest = await startHonestPair(ts);
    const baseline = await mediasoupObjects(ts);
    const f = await fixture(ts, honest, o.seed);
    const statuses: Record<string, number> = {};
    const bugs: MediaFuzzFinding[] = [];
    const frames = [honest.frames()];
    const counts = { created: 0, deleted: 0 };
    let next = 0;
    const started = Date.now();
    const tenth = Math.max(1, Math.ceil(o.requests / 10));

    const record = (target: string, request: string, r: Reply): void => {
      statuses[`${target} ${r.status}`] = (statuses[`${target} ${r.status}`] ?? 0) + 1;
      const finding = judge(r);
      if (finding)
        bugs.push({ target, request: request.slice(0, 400), status: r.status, body: finding });
    };

    const runner = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= o.requests) return;
        if ((i + 1) % tenth === 0) {
          frames.push(honest!.frames());
          o.onProgress?.(i + 1);
        }
        const r = rng(o.seed * 7919 + i);
        const junk = (): string =>
          fc
            .sample(hostileString, { numRuns: 1, seed: o.seed + i * 31 + int(r, 1e6) })[0]!
            .slice(0, int(r, 3) ? 100 : 100_000);
        const roll = r();
        const one =
          roll < 0.2
            ? whepPost
            : roll < 0.33
              ? whipPost
              : roll < 0.52
                ? sessionPatch
                : roll < 0.62
                  ? sessionDelete
                  : roll < 0.82
                    ? hls
                    : roll < 0.94
                      ? upload
                      : misc;
        try {
          const { target, request, reply } = await one(f, r, junk, counts);
          record(target, request, reply);
        } catch (e) {
          // A fault of the fuzz itself is reported, not allowed to end the run.
          bugs.push({ target: 'fuzzer', request: `#${i}`, status: -1, body: String(e) });
        }
      }
    };
    await Promise.all(Array.from({ length: o.concurrency ?? 8 }, () => runner()));
    const durationMs = Date.now() - started;

    // Every session the fuzz still holds is deleted by its owner; nothing of them may remain.
    for (const s of f.sessions.splice(0)) {
      const r = await send('DELETE', s.url, { token: s.token });
      if (r.status === 200) counts.deleted++;
      record(`${s.kind}-delete`, `DELETE ${s.url} (cleanup)`, r);
    }
    let leaked = { routers: -1, transports: -1, producers: -1, consumers: -1, sessions: -1 };
    await until(
      async () => {
        const now = await mediasoupObjects(ts);
        leaked = {
          routers: extra(now.routers, baseline.routers),
          transports: extra(now.transports, baseline.transports),
          producers: extra(now.producers, baseline.producers),
          consumers: extra(now.consumers, baseline.consumers),
          sessions: ts.server.whip.sessions.size,
        };
        return Object.values(leaked).every((n) => n === 0) ? true : undefined;
      },
      'the fuzz sessions’ mediasoup objects to close',
      20_000,
      200,
    ).catch(() => undefined);
    const last = frames[frames.length - 1]!;
    await until(
      () => (honest!.frames() > last ? true : undefined),
      'frames after the fuzz',
      15_000,
    ).catch(() => undefined);
    frames.push(honest.frames());
    return {
      requests: Math.min(next, o.requests),
      durationMs,
      statuses,
      bugs,
      unhandled,
      workerAlive: worker.pid === workerPid && !worker.closed,
      leaked,
      sessions: counts,
      frames,
    };
  } finally {
    honest?.stop();
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

type Junk = () => string;
type Counts = { created: number; deleted: number };
type Attempt = { target: string; request: string; reply: Reply };

const SDP_TYPES = [
  'application/sdp',
  'application/sdp',
  'application/sdp',
  'application/sdp; charset=utf-8',
  'APPLICATION/SDP',
  'text/plain',
  'application/json',
  'application/trickle-ice-sdpfrag',
  '',
  'multipart/form-data; boundary=x',
  undefined,
];

/** A body: mostly the offer as it is, else mutated (1 in 3) or wholly hostile (rare). */
function sdpBody(base: string, r: Rng, junk: Junk): { text: string; how: string } {
  const roll = r();
  if (roll < 0.4) return { text: base, how: 'valid' };
  if (roll < 0.95) return mutateSdp(base, r, junk);
  return { text: junk(), how: 'junk' };
}

async function post(
  kind: 'whip' | 'whep',
  f: Fixture,
  r: Rng,
  junk: Junk,
  counts: Counts,
): Promise<Attempt> {
  const target = `${kind}-post`;
  const cam = pick(r, f.cams);
  let deviceId: string;
  let token: string | undefined;
  if (kind === 'whip') {
    deviceId = r() < 0.9 ? cam.id : pick(r, [f.honest.cameraId, randomUUID(), junk() || 'x']);
    token = r() < 0.75 ? cam.token : pick(r, [...f.badCameras, f.owner, undefined]);
  } else {
    // A fuzz camera is live only while one of its WHIP sessions is: its viewers race its end.
    deviceId =
      r() < 0.6 ? f.honest.cameraId : r() < 0.8 ? cam.id : pick(r, [randomUUID(), junk() || 'x']);
    token = r() < 0.75 ? f.owner : pick(r, [...f.badViewers, undefined]);
  }
  const base = pick(r, kind === 'whip' ? f.whipOffers : f.whepOffers);
  const body = sdpBody(base, r, junk);
  const type = r() < 0.85 ? 'application/sdp' : pick(r, SDP_TYPES);
  const path = WhipPaths[kind].replace(':deviceId', encodeURIComponent(wellFormed(deviceId)));
  const query =
    kind === 'whep' && r() < 0.2
      ? `?layer=${encodeURIComponent(wellFormed(pick(r, ['low', 'medium', 'high', junk()])))}`
      : '';
  const url = `${f.url}${path}${query}`;
  const reply = await send('POST', url, {
    ...(token ? { token } : {}),
    ...(type !== undefined ? { type } : {}),
    body: body.text,
  });
  if (reply.status === 201) {
    counts.created++;
    const location = reply.headers.get('location') ?? '';
    const ufrag = /a=ice-ufrag:(\S+)/.exec(body.text)?.[1] ?? 'x';
    f.sessions.push({
      kind,
      url: `${f.url}${location}`,
      token: token!,
      ufrag,
      etag: reply.headers.get('etag') ?? '',
    });
    // Uncapped, a long run would hit the per-device limits (409) on every valid offer.
    while (f.sessions.length > 24) {
      const old = f.sessions.shift()!;
      if ((await send('DELETE', old.url, { token: old.token })).status === 200) counts.deleted++;
    }
  }
  return {
    target,
    request: `POST ${url.slice(f.url.length)} [${type}] ${body.how}: ${body.text.slice(0, 200)}`,
    reply,
  };
}

const whepPost = (f: Fixture, r: Rng, junk: Junk, c: Counts): Promise<Attempt> =>
  post('whep', f, r, junk, c);
const whipPost = (f: Fixture, r: Rng, junk: Junk, c: Counts): Promise<Attempt> =>
  post('whip', f, r, junk, c);

/** A session of the fuzz (or a made-up one) with its owner's token (or another's). */
function someSession(
  f: Fixture,
  r: Rng,
  junk: Junk,
): { url: string; token: string | undefined; s?: Session } {
  const s = f.sessions.length && r() < 0.8 ? pick(r, f.sessions) : undefined;
  const kind = s?.kind ?? pick(r, ['whip', 'whep'] as const);
  const url =
    s?.url ??
    `${f.url}${WhipPaths[kind === 'whip' ? 'whipSession' : 'whepSession'].replace(
      ':sessionId',
      pick(r, [
        randomBytes(18).toString('base64url'),
        encodeURIComponent(wellFormed(junk())) || 'x',
        '..%2F..%2Fapi',
        '%00',
      ]),
    )}`;
  const token =
    r() < 0.8 ? (s?.token ?? f.owner) : pick(r, [...f.badViewers, f.cams[0]!.token, undefined]);
  return { url, token, ...(s ? { s } : {}) };
}

async function sessionPatch(f: Fixture, r: Rng, junk: Junk): Promise<Attempt> {
  const { url, token, s } = someSession(f, r, junk);
  const frag = trickleFragment(s?.ufrag ?? 'abcd', r, junk);
  const type = r() < 0.85 ? 'application/trickle-ice-sdpfrag' : pick(r, SDP_TYPES);
  const ifMatch = pick(r, [
    s?.etag,
    s?.etag,
    '*',
    '"stale"',
    undefined,
    junk().replace(/[^\x20-\x7e]/g, ''),
  ]);
  const reply = await send('PATCH', url, {
    ...(token ? { token } : {}),
    ...(type !== undefined ? { type } : {}),
    body: frag.text,
    ...(ifMatch !== undefined ? { headers: { 'if-match': ifMatch } } : {}),
  });
  // An ICE restart hands out a new ETag.
  if (s && reply.status === 200) s.etag = reply.headers.get('etag') ?? s.etag;
  return {
    target: `${s?.kind ?? 'unknown'}-patch`,
    request: `PATCH ${url.slice(f.url.length)} [${type}] if-match=${ifMatch} ${frag.how}: ${frag.text.slice(0, 200)}`,
    reply,
  };
}

async function sessionDelete(f: Fixture, r: Rng, junk: Junk, counts: Counts): Promise<Attempt> {
  const { url, token, s } = someSession(f, r, junk);
  const reply = await send('DELETE', url, token ? { token } : {});
  if (s && reply.status === 200) {
    counts.deleted++;
    const at = f.sessions.indexOf(s);
    if (at >= 0) f.sessions.splice(at, 1);
  }
  return {
    target: `${s?.kind ?? 'unknown'}-delete`,
    request: `DELETE ${url.slice(f.url.length)}`,
    reply,
  };
}

const MEDIA_FILES = [
  'live.m3u8',
  'vod.m3u8',
  'clip.mp4',
  'snapshot.jpg',
  'init/run_abc.mp4',
  'seg/0.m4s',
  'seg/1.m4s',
  'part/0.0.m4s',
  'part/1.2.m4s',
];
const HOSTILE_FILES = [
  '../../../../etc/passwd',
  'seg/..%2F..%2F..%2Fetc%2Fpasswd',
  'seg/%2e%2e%2f%2e%2e%2fsecret',
  'init/..%2f..%2ftoken-secret',
  'init/run_..mp4',
  'seg/1.m4s%00.jpg',
  'seg/999999999999999.m4s',
  'seg/9999999999999999999999.m4s',
  'seg/-1.m4s',
  'seg/1e3.m4s',
  'seg/',
  'part/1.99999.m4s',
  'part/99999999.0.m4s',
  'part/1..m4s',
  'live.m3u8/..',
  '%2e%2e/%2e%2e/api/v1/sites',
  'LIVE.M3U8',
  'live.m3u8;x',
];
const MEDIA_QUERIES = [
  '',
  '',
  '?_HLS_msn=0',
  '?_HLS_msn=0&_HLS_part=0',
  '?_HLS_msn=999999999',
  '?_HLS_msn=-1',
  '?_HLS_msn=1e3',
  '?_HLS_part=1',
  '?_HLS_msn=1&_HLS_msn=2',
  '?_HLS_skip=YES',
  '?at=0',
  `?at=${Date.now()}`,
  '?at=-5',
  '?at=1&width=1',
  '?at=1&width=99999',
  '?at=1&width=abc',
  '?audio=none',
  '?audio=aac',
  '?audio=%00',
  '?__proto__=1',
  '?constructor[prototype][x]=1',
];

const RANGES = [
  'bytes=0-10',
  'bytes=-1',
  'bytes=999999999-',
  'bytes=5-1',
  'bytes=a-b',
  'bytes=0-0,1-1,2-2',
];

/** A listed URI as it is, or with its number, name or extension changed. */
function mutateFile(uri: string, r: Rng): string {
  return pick(r, [
    uri,
    uri,
    uri.replace(/\d+/, (n) => String(Number(n) + pick(r, [1, -1, 1000, 1e12]))),
    uri.replace(/\d+/, pick(r, ['-1', '1e3', '00000000000000000000001', 'NaN'])),
    uri.replace('.m4s', pick(r, ['.mp4', '.m4s.m4s', '.M4S', '.m4s%00'])),
    uri.replace('/', pick(r, ['/../', '//', '/%2e%2e/', '\\'])),
    `${uri}/..`,
  ]);
}

async function hls(f: Fixture, r: Rng, junk: Junk): Promise<Attempt> {
  const roll = r();
  let token: string;
  if (roll < 0.45) token = pick(r, f.playback.good);
  else if (roll < 0.7) token = pick(r, f.playback.bad);
  else if (roll < 0.85) token = tamper(pick(r, f.playback.good), r);
  else token = encodeURIComponent(wellFormed(junk())) || 'x';
  const roll2 = r();
  const file =
    roll2 < 0.25 && f.mediaFiles.length
      ? mutateFile(pick(r, f.mediaFiles), r)
      : roll2 < 0.75
        ? pick(r, MEDIA_FILES)
        : roll2 < 0.9
          ? pick(r, HOSTILE_FILES)
          : encodeURIComponent(wellFormed(junk())) || 'x';
  const query =
    r() < 0.85
      ? pick(r, MEDIA_QUERIES)
      : `?${encodeURIComponent(wellFormed(junk()))}=${encodeURIComponent(wellFormed(junk()))}`;
  const path = `/media/${token}/${file}${query}`;
  const range = r() < 0.2 ? pick(r, RANGES) : undefined;
  const method = pick(r, ['GET', 'GET', 'GET', 'GET', 'HEAD', 'POST']);
  const reply = await send(method, `${f.url}${path}`, range ? { headers: { range } } : {});
  // What a playlist lists is asked for later (with good tokens, and mutated).
  if (reply.status === 200 && reply.text.startsWith('#EXTM3U') && f.mediaFiles.length < 200)
    for (const m of reply.text.matchAll(/^([^#\s][^\s]*)$|URI="([^"]+)"/gm)) {
      const uri = (m[1] ?? m[2])!.split('?')[0]!;
      if (!f.mediaFiles.includes(uri)) f.mediaFiles.push(uri);
    }

  return { target: 'hls', request: `${method} ${path}${range ? ` range: ${range}` : ''}`, reply };
}

const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);

function jpegBody(r: Rng): { bytes: Buffer; how: string } {
  const how = pick(r, [
    'jpeg',
    'jpeg',
    'empty',
    'png',
    'soiOnly',
    'oversized',
    'huge',
    'random',
    'text',
    'truncated',
  ]);
  const jpeg = (n: number): Buffer =>
    Buffer.concat([JPEG_HEAD, randomBytes(n), Buffer.from([0xff, 0xd9])]);
  const bytes: Record<string, () => Buffer> = {
    jpeg: () => jpeg(int(r, 8000)),
    empty: () => Buffer.alloc(0),
    png: () => Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), randomBytes(200)]),
    soiOnly: () => Buffer.from([0xff, 0xd8]),
    oversized: () => jpeg(256 * 1024),
    huge: () => jpeg(4 * 1024 * 1024),
    random: () => randomBytes(1 + int(r, 4000)),
    text: () => Buffer.from('not a jpeg at all'),
    truncated: () => jpeg(1000).subarray(0, 5),
  };
  return { bytes: bytes[how]!(), how };
}

async function upload(f: Fixture, r: Rng, junk: Junk): Promise<Attempt> {
  const ev = f.events.length ? pick(r, f.events) : undefined;
  const deviceId =
    ev && r() < 0.85 ? ev.deviceId : pick(r, [f.honest.cameraId, randomUUID(), junk() || 'x']);
  const eventId =
    ev && r() < 0.85 ? ev.eventId : pick(r, [randomUUID(), junk() || 'x', '../../etc/passwd']);
  const token =
    r() < 0.75 ? (ev?.token ?? f.cams[0]!.token) : pick(r, [...f.badCameras, f.owner, undefined]);
  if (r() < 0.25) {
    // A new event with a mostly valid, sometimes mangled body.
    const [body] = fc.sample(valid(StartEventSchema), { numRuns: 1, seed: int(r, 1e9) });
    const b: Record<string, unknown> = { ...(body as object), startedAt: Date.now() };
    delete b['sentAt'];
    const text = r() < 0.5 ? JSON.stringify(b) : mutateSdp(JSON.stringify(b), r, junk).text;
    const url = `${f.url}/api/v1/devices/${encodeURIComponent(wellFormed(deviceId))}/events`;
    const reply = await send('POST', url, {
      ...(token ? { token } : {}),
      type: 'application/json',
      body: text,
    });
    return {
      target: 'event-start',
      request: `POST ${url.slice(f.url.length)} ${text.slice(0, 200)}`,
      reply,
    };
  }
  const { bytes, how } = jpegBody(r);
  const type =
    r() < 0.8
      ? 'image/jpeg'
      : pick(r, [
          'image/png',
          'application/octet-stream',
          'application/json',
          'text/plain',
          'image/jpeg; charset=binary',
          undefined,
        ]);
  const path = `/api/v1/devices/${encodeURIComponent(wellFormed(deviceId))}/events/${encodeURIComponent(wellFormed(eventId))}/snapshot`;
  const reply = await send('PUT', `${f.url}${path}`, {
    ...(token ? { token } : {}),
    ...(type !== undefined ? { type } : {}),
    body: new Uint8Array(bytes),
  });
  return {
    target: 'event-snapshot',
    request: `PUT ${path} [${type}] ${how} ${bytes.length} bytes`,
    reply,
  };
}

async function misc(f: Fixture, r: Rng, junk: Junk): Promise<Attempt> {
  const s = f.sessions.length ? pick(r, f.sessions) : undefined;
  const roll = r();
  if (roll < 0.4 && s?.kind === 'whep') {
    const url = `${s.url}/layer`;
    const body = pick(r, [
      '{"layer":"low"}',
      '{"layer":"high"}',
      '{"spatialLayerId":7}',
      '{"layer":',
      junk(),
      '[]',
    ]);
    const reply = await send('POST', url, {
      token: r() < 0.8 ? s.token : f.owner,
      type: pick(r, ['application/json', 'text/plain']),
      body,
    });
    return {
      target: 'whep-layer',
      request: `POST ${url.slice(f.url.length)} ${body.slice(0, 200)}`,
      reply,
    };
  }
  const path = pick(r, [
    WhipPaths.whip.replace(':deviceId', f.cams[0]!.id),
    WhipPaths.whep.replace(':deviceId', f.honest.cameraId),
    s ? s.url.slice(f.url.length) : WhipPaths.whepSession.replace(':sessionId', 'x'),
  ]);
  const method = pick(r, ['OPTIONS', 'GET', 'PUT', 'POST', 'HEAD']);
  const reply = await send(method, `${f.url}${path}`, { token: s?.token ?? f.owner });
  return { target: 'whip-misc', request: `${method} ${path}`, reply };
}

// ---------------------------------------------------------------------------------------------
// Plumbing

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

async function send(
  method: string,
  url: string,
  o: {
    token?: string;
    type?: string;
    body?: string | Uint8Array<ArrayBuffer>;
    headers?: Record<string, string>;
  },
): Promise<Reply> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers['authorization'] = `Bearer ${o.token}`;
  if (o.type !== undefined) headers['content-type'] = o.type;
  try {
    const res = await fetch(url, {
      method,
      headers,
      ...(o.body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body: o.body } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (e) {
    // A URL or header the client itself refuses never reaches the server (status -1, no bug).
    const timeout = (e as Error).name === 'TimeoutError';
    return { status: timeout ? 0 : -1, headers: new Headers(), text: String(e).slice(0, 300) };
  }
}

/** Why a reply is a finding, or undefined for a deliberate answer. */
function judge(r: Reply): string | undefined {
  if (r.status === -1) return undefined;
  if (r.status === 0) return `no answer: ${r.text}`;
  if (r.status >= 500 && r.status !== 503) return r.text.slice(0, 300);
  if (STACK.test(r.text) || LEAK.test(r.text)) return `leaks: ${r.text.slice(0, 300)}`;
  if (r.status >= 400 && r.text !== '') {
    let code: unknown;
    try {
      code = (JSON.parse(r.text) as { error?: { code?: unknown } }).error?.code;
    } catch {
      code = undefined;
    }
    if (typeof code !== 'string') return `uncoded error: ${r.text.slice(0, 300)}`;
    if (!(r.headers.get('content-type') ?? '').includes('application/json'))
      return `error not JSON: ${r.headers.get('content-type')}`;
  }
  return undefined;
}

/** Lone surrogates become U+FFFD (encodeURIComponent throws on them). */
const wellFormed = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

function tamper(token: string, r: Rng): string {
  const at = int(r, token.length - 1);
  const how = int(r, 3);
  if (how === 0) return token.slice(0, at);
  if (how === 1) return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
  if (how === 2) return token.split('.').reverse().join('.');
  return `${token}.${token}`;
}

async function fixture(ts: TestServer, honest: HonestPair, seed: number): Promise<Fixture> {
  const owner = await ts.mint('viewer');
  const cams = await Promise.all(
    [0, 1, 2, 3].map((i) => ts.mintWithId('camera', { label: `Fuzz ${i}` })),
  );
  const otherSite = randomUUID();
  const other = await ts.mintWithId('camera', { label: 'Elsewhere', siteId: otherSite });
  const badViewers = [
    'garbage',
    await ts.mint('viewer', { expiredSecondsAgo: 60 }),
    await ts.mint('viewer', { siteId: otherSite }),
    await ts.mint('viewer', { siteRole: 'guest', deviceIds: [other.id] }),
    `${owner.slice(0, -4)}AAAA`,
    'x'.repeat(5000),
    cams[0]!.token,
  ];
  const badCameras = [
    'garbage',
    await ts.mint('camera', { expiredSecondsAgo: 60 }),
    other.token,
    honest.cameraToken,
    `${cams[0]!.token.slice(0, -4)}AAAA`,
  ];

  // Signed playback URLs: the owner's own (unranged, ranged), and ones that must not open.
  const now = Date.now();
  const playbackOf = async (body: object): Promise<string> => {
    const r = await send(
      'POST',
      `${ts.url}/api/v1/sites/${ts.siteId}/devices/${honest.cameraId}/recording/playback`,
      {
        token: owner,
        type: 'application/json',
        body: JSON.stringify(body),
      },
    );
    const live = (JSON.parse(r.text) as { live?: string }).live;
    if (r.status !== 200 || !live) throw new Error(`createPlayback: ${r.status} ${r.text}`);
    return live.split('/')[2]!;
  };
  const tokens = new PlaybackTokens(ts.secret);
  const grant = {
    deviceId: honest.cameraId,
    siteId: ts.siteId,
    principal: { kind: 'account' as const, id: randomUUID() },
    from: null,
    to: null,
    expiresAt: now + 3_600_000,
  };
  const playback = {
    good: [await playbackOf({}), await playbackOf({ from: now - 3_600_000, to: now + 600_000 })],
    bad: [
      tokens.mint({ ...grant, expiresAt: now - 1000 }), // expired
      tokens.mint(grant), // signed for someone with no grant on the site
      tokens.mint({ ...grant, principal: { kind: 'apikey', id: 'no-such-key' } }),
      tokens.mint({ ...grant, deviceId: other.id }), // another site's camera under this site
      new PlaybackTokens(randomBytes(32).toString('base64url')).mint(grant), // foreign secret
    ],
  };

  // Events of the fuzz cameras, for the snapshot uploads. Derived bodies miss a refinement now
  // and then (track boxes are tuples): the next seed is tried.
  const events: Fixture['events'] = [];
  for (const cam of cams.slice(0, 2)) {
    for (let attempt = 0; attempt < 50 && !events.some((e) => e.deviceId === cam.id); attempt++) {
      const [body] = fc.sample(valid(StartEventSchema), { numRuns: 1, seed: seed + attempt });
      const b: Record<string, unknown> = { ...(body as object), startedAt: Date.now() };
      delete b['sentAt'];
      const r = await send('POST', `${ts.url}/api/v1/devices/${cam.id}/events`, {
        token: cam.token,
        type: 'application/json',
        body: JSON.stringify(b),
      });
      if (r.status === 201)
        events.push({
          deviceId: cam.id,
          eventId: (JSON.parse(r.text) as { eventId: string }).eventId,
          token: cam.token,
        });
    }
  }
  if (events.length === 0) throw new Error('no event to upload snapshots to');

  return {
    url: ts.url,
    siteId: ts.siteId,
    honest,
    owner,
    cams,
    badViewers,
    badCameras,
    whepOffers: [
      await honest.recvOffer(),
      handOffer({ audio: false }).replace(/a=sendonly/g, 'a=recvonly'),
      handOffer().replace(/a=sendonly/g, 'a=recvonly'),
    ],
    whipOffers: [
      await honest.sendOffer(),
      handOffer(),
      handOffer({ audio: false }),
      handOffer({ video: [] }),
    ],
    sessions: [],
    playback,
    events,
    mediaFiles: [],
  };
}
