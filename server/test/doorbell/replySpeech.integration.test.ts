/**
 * Quick replies spoken by the server for door screens without voices: the visitor of a call
 * fetches the WAV of a reply sent in its own call (and nothing else), the WAV decodes and is not
 * silence; a server without espeak-ng answers a clear 503.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/support/http.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { SpeechRenderer } from '../../src/doorbell/SpeechRenderer.ts';
import { PorchlightError } from '../../src/errors.ts';
import { createDoor, listen, ring, type Listener } from './world.ts';

const run = promisify(execFile);

function speech(ts: TestServer, replyId: string, token?: string): Promise<Response> {
  return fetch(`${ts.url}/api/v1/visit/call/replies/${replyId}/speech`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

/** Rings, and has the owner send `text`; returns the visitor's credential and the reply id. */
async function replied(
  ts: TestServer,
  ownerToken: string,
  doorToken: string,
  text: string,
  open: Listener[],
): Promise<{ credential: string; replyId: string; callId: string }> {
  const rung = await ring(ts, doorToken);
  expect(rung.status).toBe(201);
  const { credential } = rung.body;
  const callId = rung.body.call.callId;
  const visitor = await listen(ts, credential, { callId });
  open.push(visitor);
  const sent = await api(ts.url, 'POST', `/api/v1/calls/${callId}/quick-reply`, {
    token: ownerToken,
    body: { text },
  });
  expect(sent.status).toBe(200);
  const q = await visitor.next('quickReply', (p) => p.callId === callId);
  expect(q.payload.text).toBe(text);
  return { credential, replyId: q.payload.replyId, callId };
}

/** Decodes any audio with ffmpeg to mono s16 and returns its RMS (0..32767) and duration. */
async function decode(wav: Buffer): Promise<{ codec: string; seconds: number; rms: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-'));
  try {
    const file = path.join(dir, 'reply.wav');
    fs.writeFileSync(file, wav);
    const probe = await run('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_name:format=duration',
      '-of',
      'json',
      file,
    ]);
    const info = JSON.parse(probe.stdout) as {
      streams: { codec_name: string }[];
      format: { duration: string };
    };
    const pcm = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 's16le', '-ac', '1', '-'], {
      encoding: 'buffer',
      maxBuffer: 16 * 1024 * 1024,
    });
    const samples = new Int16Array(
      pcm.stdout.buffer,
      pcm.stdout.byteOffset,
      Math.floor(pcm.stdout.length / 2),
    );
    let sum = 0;
    for (const s of samples) sum += s * s;
    return {
      codec: info.streams[0]!.codec_name,
      seconds: Number(info.format.duration),
      rms: Math.sqrt(sum / Math.max(1, samples.length)),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('quick reply speech', () => {
  let ts: TestServer;
  let owner: { token: string; id: string };
  let doorToken: string;
  const open: Listener[] = [];

  beforeAll(async () => {
    ts = await startTestServer({ doorbell: { ringsPerAddress: 1000, ringsPerDoor: 1000 } });
    owner = await ts.mintWithId('viewer', { siteRole: 'owner', label: 'Olivia' });
    doorToken = (await createDoor(ts, owner.token)).doorToken;
  });
  afterAll(async () => {
    for (const l of open) l.close();
    await ts?.close();
  });

  it('the visitor gets its reply as a WAV that decodes and is not silent', async () => {
    const a = await replied(ts, owner.token, doorToken, 'I will be right there.', open);
    const res = await speech(ts, a.replyId, a.credential);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    const audio = await decode(Buffer.from(await res.arrayBuffer()));
    expect(audio.codec).toBe('pcm_s16le');
    expect(audio.seconds).toBeGreaterThan(0.5);
    // Speech, not a silent file: espeak-ng speaks at a few thousand RMS.
    expect(audio.rms).toBeGreaterThan(300);
  });

  it('refuses anonymous callers, homeowner tokens and replies of other calls', async () => {
    const a = await replied(ts, owner.token, doorToken, 'Please wait a moment.', open);
    expect((await speech(ts, a.replyId)).status).toBe(401);
    // A homeowner's access token is no visitor credential.
    expect((await speech(ts, a.replyId, owner.token)).status).toBe(401);
    // Another call's visitor: the id names a reply of ITS call, where none was sent.
    const other = await ring(ts, doorToken);
    const res = await speech(ts, a.replyId, other.body.credential);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    // A malformed id never reaches the renderer.
    expect((await speech(ts, '..%2Fetc', a.credential)).status).toBe(400);
    // After the call ended, its replies are gone.
    await api(ts.url, 'POST', '/api/v1/visit/call/hangup', { token: a.credential, body: {} });
    expect((await speech(ts, a.replyId, a.credential)).status).toBe(404);
  });
});

describe('a server without espeak-ng', () => {
  let ts: TestServer;
  const open: Listener[] = [];
  afterAll(async () => {
    for (const l of open) l.close();
    await ts?.close();
  });

  it('answers 503 with a clear message', async () => {
    ts = await startTestServer({ doorbell: { speechCommand: '/nonexistent/espeak-ng' } });
    const owner = await ts.mintWithId('viewer', { siteRole: 'owner', label: 'Olivia' });
    const door = await createDoor(ts, owner.token);
    const a = await replied(ts, owner.token, door.doorToken, 'Coming!', open);
    const res = await speech(ts, a.replyId, a.credential);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: { code: 'UNAVAILABLE', message: expect.stringMatching(/espeak-ng is not installed/) },
    });
  });
});

describe('SpeechRenderer', () => {
  it('caches per text with a bounded cache and shares a render in flight', async () => {
    const r = new SpeechRenderer({ maxEntries: 2 });
    const [a, b] = await Promise.all([r.render('one'), r.render('one')]);
    expect(a).toBe(b);
    expect(r.size).toBe(1);
    expect(await r.render('one')).toBe(a);
    await r.render('two');
    await r.render('three');
    expect(r.size).toBe(2);
    // 'one' was evicted: a fresh render.
    expect(await r.render('one')).not.toBe(a);
  });

  it('refuses empty and overlong text; a hung renderer is killed after the timeout', async () => {
    const r = new SpeechRenderer({ timeoutMs: 1 });
    await expect(r.render(' \u0000 ')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(r.render('x'.repeat(121))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(r.render('a long enough sentence to take a while')).rejects.toBeInstanceOf(
      PorchlightError,
    );
  });

  it('treats text as text: a leading dash is spoken, not an option', async () => {
    const wav = await new SpeechRenderer().render('--version');
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
  });
});
