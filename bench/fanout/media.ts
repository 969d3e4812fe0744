/**
 * Media of the fan-out bench, shared by both variants: RTP parameters, plain transports towards
 * the sinks, and the ffmpeg source.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { types } from 'mediasoup';
import { arg } from '../lib/args.ts';
import { opts } from './options.ts';

export const PAYLOAD_TYPE = 102;
export const H264_PARAMS = {
  'packetization-mode': 1,
  'profile-level-id': '42e01f',
  'level-asymmetry-allowed': 1,
};
export const BARE_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: H264_PARAMS },
];

export function producerRtpParameters(ssrc: number): types.RtpParameters {
  return {
    codecs: [
      {
        mimeType: 'video/H264',
        payloadType: PAYLOAD_TYPE,
        clockRate: 90000,
        parameters: H264_PARAMS,
        rtcpFeedback: [],
      },
    ],
    encodings: [{ ssrc }],
    rtcp: { cname: `ffmpeg-${ssrc}`, reducedSize: false },
  };
}

/** What a sink "endpoint" claims to receive: H264 CB with the usual WebRTC feedback, no BWE. */
export const CONSUMER_CAPS: types.RtpCapabilities = {
  codecs: [
    {
      kind: 'video',
      mimeType: 'video/H264',
      preferredPayloadType: PAYLOAD_TYPE,
      clockRate: 90000,
      parameters: H264_PARAMS,
      rtcpFeedback: [
        { type: 'nack' },
        { type: 'nack', parameter: 'pli' },
        { type: 'ccm', parameter: 'fir' },
      ],
    },
  ],
  headerExtensions: [],
};

export const SRTP_SUITE = (arg('srtp-suite') ?? 'AES_CM_128_HMAC_SHA1_80') as types.SrtpCryptoSuite;
/** Master key + salt: 30 bytes for AES_CM_128, 28 for AEAD_AES_128_GCM, 44 for AEAD_AES_256_GCM. */
export const SRTP_KEY = randomBytes(
  SRTP_SUITE === 'AEAD_AES_256_GCM' ? 44 : SRTP_SUITE === 'AEAD_AES_128_GCM' ? 28 : 30,
).toString('base64');
export const LOOPBACK: types.TransportListenInfo = { protocol: 'udp', ip: '127.0.0.1' };

/** Consumer side: one transport per consumer, sending to its sink (SRTP: encrypted, not decrypted). */
export function consumerTransportOptions(
  srtp: boolean,
  appData: types.AppData,
): types.PlainTransportOptions {
  return {
    listenInfo: LOOPBACK,
    rtcpMux: true,
    comedia: false,
    ...(srtp ? { enableSrtp: true, srtpCryptoSuite: SRTP_SUITE } : {}),
    appData,
  };
}

export async function connectToSink(
  t: types.PlainTransport,
  port: number,
  srtp: boolean,
): Promise<void> {
  await t.connect({
    ip: '127.0.0.1',
    port,
    ...(srtp ? { srtpParameters: { cryptoSuite: SRTP_SUITE, keyBase64: SRTP_KEY } } : {}),
  });
}

/** Producer side: comedia (ffmpeg's source ports are learnt), separate RTCP port like ffmpeg. */
export async function producerTransport(
  router: types.Router,
  appData: types.AppData,
): Promise<types.PlainTransport> {
  return router.createPlainTransport({
    listenInfo: LOOPBACK,
    rtcpMux: false,
    comedia: true,
    appData,
  });
}

export const ENCODE_ARGS = [
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-tune',
  'zerolatency',
  '-b:v',
  '1M',
  '-maxrate',
  '1M',
  '-bufsize',
  '500k',
  '-g',
  '60',
  '-pix_fmt',
  'yuv420p',
  '-profile:v',
  'baseline',
];

/**
 * Encodes a 20 s clip once (same encoder settings as live), streamed with `-c copy` afterwards:
 * two live 720p encoders would cost ~10-20% of a core each on a 2-core box, right next to the
 * worker being measured. `--live-encode` streams the lavfi source through libx264 instead.
 */
export function prepareClip(dir: string): string {
  const clip = path.join(dir, 'clip.ts');
  execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostdin',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1280x720:rate=30',
      '-t',
      '20',
      ...ENCODE_ARGS,
      '-f',
      'mpegts',
      clip,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 },
  );
  return clip;
}

export function startFfmpeg(
  clip: string,
  ssrc: number,
  port: number,
  rtcpPort: number,
): ChildProcess {
  const input = opts.liveEncode
    ? ['-re', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', ...ENCODE_ARGS]
    : ['-re', '-stream_loop', '-1', '-i', clip, '-map', '0:v:0', '-c', 'copy'];
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    ...input,
    '-payload_type',
    String(PAYLOAD_TYPE),
    '-ssrc',
    String(ssrc),
    '-f',
    'rtp',
    `rtp://127.0.0.1:${port}?rtcpport=${rtcpPort}&pkt_size=1200`,
  ];
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('error', (e) => console.error('[fanout] ffmpeg failed to start:', e.message));
  return child;
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}
