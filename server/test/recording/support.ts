import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PorchlightClient } from '@porchlight/sdk';
import { api } from '../../../tests/support/http.ts';
import type { TestServer } from '../../../tests/support/testServer.ts';
import type {
  StreamRecording,
  StreamRecordingEvents,
} from '../../src/recording/StreamRecording.ts';
import { installWrtcGlobals, syntheticCamera, YUV } from '../../../tests/support/wrtc.ts';

const run = promisify(execFile);

export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A camera (SDK + @roamhq/wrtc, VP8 320x240) publishing to the test server. */
export async function startCamera(
  ts: TestServer,
  o: { siteId?: string; label?: string } = {},
): Promise<{ deviceId: string; token: string; client: PorchlightClient; stop: () => void }> {
  installWrtcGlobals();
  const { token, id } = await ts.mintWithId('camera', {
    ...(o.siteId ? { siteId: o.siteId } : {}),
    label: o.label ?? 'Porch',
  });
  const client = new PorchlightClient({
    url: ts.url,
    token,
    device: { handlerName: 'Chrome111' },
    socketOptions: { rejectUnauthorized: false },
  });
  await client.connect();
  const source = syntheticCamera(320, 240, YUV.red);
  await client.publish(source.track, { source: 'camera', simulcast: false });
  return {
    deviceId: id,
    token,
    client,
    stop: () => {
      source.stop();
      client.close();
    },
  };
}

export interface Fragment {
  seq: number;
  producerTime: number;
  ingestTime: number;
  durationMs: number;
  bytes: number;
  keyframe: boolean;
  tags: string[];
}

export async function fragments(
  ts: TestServer,
  token: string,
  siteId: string,
  deviceId: string,
): Promise<Fragment[]> {
  const r = await api<{ fragments: Fragment[] }>(
    ts.url,
    'GET',
    `/api/v1/sites/${siteId}/devices/${deviceId}/recording/fragments?from=0&to=${Date.now() + 60_000}`,
    { token },
  );
  if (r.status !== 200) throw new Error(`fragments: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.fragments;
}

export interface Probe {
  format: { duration?: string };
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
}

/** ffprobe, an independent client, on a URL or file. */
export async function ffprobe(input: string): Promise<Probe> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-tls_verify', '0', '-show_format', '-show_streams', '-of', 'json', input],
    { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as Probe;
}

/** Decodes every video frame of a file or URL with ffmpeg; returns how many were decoded. */
export async function decodeFrames(input: string): Promise<number> {
  const { stdout } = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-v',
      'error',
      // Tests serve a self-signed certificate; the option exists only for network inputs.
      ...(input.startsWith('https:') ? ['-tls_verify', '0'] : []),
      '-i',
      input,
      '-map',
      '0:v:0',
      '-f',
      'null',
      '-',
      '-progress',
      'pipe:1',
    ],
    { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const frames = [...stdout.matchAll(/^frame=(\d+)$/gm)].map((m) => Number(m[1]));
  return frames[frames.length - 1] ?? 0;
}

export function tempFile(name: string, data: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-rec-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return file;
}

/** Every file under a directory (recursively). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

type Decision = StreamRecordingEvents['decided'][0];

/** The next `n` segments the stream's mode logic judges that satisfy `which`, as they happen. */
export function nextDecisions(
  stream: StreamRecording,
  n: number,
  which: (d: Decision) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<Decision[]> {
  return new Promise((resolve, reject) => {
    const got: Decision[] = [];
    const timer = setTimeout(() => {
      stream.off('decided', on);
      reject(new Error(`timed out waiting for ${n} segment decisions (got ${got.length})`));
    }, timeoutMs);
    const on = (d: Decision) => {
      if (!which(d)) return;
      got.push(d);
      if (got.length < n) return;
      clearTimeout(timer);
      stream.off('decided', on);
      resolve(got);
    };
    stream.on('decided', on);
  });
}

/** Milliseconds of camera time the stream's pre-roll ring holds. */
export function ringMs(stream: StreamRecording): number {
  const ring = stream.modes.ring;
  const first = ring[0];
  const last = ring[ring.length - 1];
  return first && last ? last.startMs + last.durationMs - first.startMs : 0;
}

/**
 * Resolves once the device's camera has sent `ms` more of video, by the RTP timestamps (90 kHz)
 * the SFU receives: "nothing happened meanwhile" then means over that much media, not wall time.
 */
export async function cameraSent(
  ts: TestServer,
  deviceId: string,
  ms: number,
  timeoutMs = 30_000,
): Promise<void> {
  const producer = ts.server.rooms.rooms
    .get(ts.siteId)
    ?.producersOfDevice(deviceId)
    .find((p) => p.kind === 'video');
  if (!producer) throw new Error(`no video producer for ${deviceId}`);
  await producer.enableTraceEvent(['rtp']);
  try {
    await new Promise<void>((resolve, reject) => {
      let first: number | undefined;
      const timer = setTimeout(() => {
        producer.off('trace', on);
        reject(new Error(`timed out waiting for ${ms} ms of camera media`));
      }, timeoutMs);
      const on = (t: { type: string; info?: { rtpPacket?: { timestamp: number } | null } }) => {
        const stamp = t.type === 'rtp' ? t.info?.rtpPacket?.timestamp : undefined;
        if (stamp === undefined) return;
        first ??= stamp;
        if (((stamp - first) >>> 0) / 90 < ms) return;
        clearTimeout(timer);
        producer.off('trace', on);
        resolve();
      };
      producer.on('trace', on);
    });
  } finally {
    if (!producer.closed) await producer.enableTraceEvent([]);
  }
}
