/**
 * A non-browser camera or viewer (the SDK on @roamhq/wrtc) run as its own process, so it can live
 * in a network namespace (`ip netns exec <ns> node --import tsx tests/support/netPeer.ts <json>`).
 * It prints one JSON line per report on stdout; see {@link NetPeerReport}. Driven by
 * {@link ./netPeers.ts}.
 */
import { PorchlightClient } from '@porchlight/sdk';
import { installWrtcGlobals } from './wrtc.ts';

export interface NetPeerArgs {
  role: 'camera' | 'viewer';
  url: string;
  token: string;
  label?: string;
  /** Camera: picture size (a moving picture, see movingCamera). */
  width?: number;
  height?: number;
  simulcast?: boolean;
}

export interface NetPeerReport {
  at: number;
  state: string;
  /** Transport connection states, e.g. ['connected']. */
  transports: string[];
  /** Viewer: frames decoded so far, on every track the subscription had. */
  frames: number;
  width: number;
  height: number;
  /** Viewer: gaps between decoded frames longer than FREEZE_MS (wall-clock ms, ms long). */
  freezes: { endAt: number; ms: number }[];
  lastFrameAt: number;
  spatialLayer: number | null;
  /** Viewer: inbound video bytes so far. */
  bytesReceived: number;
  /** Local candidate type of the selected ICE pair ('host', 'srflx', 'relay'), once known. */
  candidatePairType: string | null;
  /** For a relayed pair: how this peer reaches the TURN server ('udp', 'tcp', 'tls'). */
  relayProtocol: string | null;
  /** Every change of the client's state and its transports' connection states, with when. */
  stateLog: { at: number; states: string }[];
  errors: string[];
}

/** A gap this long between frames is a freeze a person notices (WebRTC's own rule is ~3 frames + 150 ms). */
const FREEZE_MS = 250;

const args = JSON.parse(process.argv[2]!) as NetPeerArgs;
const wrtc = installWrtcGlobals();
const report: NetPeerReport = {
  at: 0,
  state: 'new',
  transports: [],
  frames: 0,
  width: 0,
  height: 0,
  freezes: [],
  lastFrameAt: 0,
  spatialLayer: null,
  bytesReceived: 0,
  candidatePairType: null,
  relayProtocol: null,
  stateLog: [],
  errors: [],
};

const client = new PorchlightClient({
  url: args.url,
  token: args.token,
  ...(args.label ? { label: args.label } : {}),
  device: { handlerName: 'Chrome111' },
  socketOptions: { rejectUnauthorized: false },
});
client.on('stateChanged', (s) => {
  report.state = s;
  report.stateLog.push({ at: Date.now(), states: `client ${s}` });
});
client.on('error', (e) => report.errors.push(`${e.code}: ${e.message}`));

/**
 * A picture that moves: coarse random blocks scrolling sideways 4 px a frame. Motion
 * compensation keeps it cheap to encode at any size, yet every frame differs (the encoder never
 * idles, and a viewer that stops getting packets sees a frozen frame, not an identical one).
 */
function movingCamera(width: number, height: number) {
  const source = new wrtc.nonstandard.RTCVideoSource();
  const track = source.createTrack();
  const stripe = width * 2;
  const texture = new Uint8Array(stripe * height);
  for (let y = 0; y < height; y += 16)
    for (let x = 0; x < stripe; x += 16) {
      const v = 16 + ((Math.random() * 220) | 0);
      for (let dy = 0; dy < 16 && y + dy < height; dy++)
        texture.fill(v, (y + dy) * stripe + x, (y + dy) * stripe + Math.min(x + 16, stripe));
    }
  const frame = new Uint8Array(width * height * 1.5).fill(128);
  let shift = 0;
  const timer = setInterval(() => {
    shift = (shift + 4) % width;
    for (let y = 0; y < height; y++)
      frame.set(texture.subarray(y * stripe + shift, y * stripe + shift + width), y * width);
    source.onFrame({ width, height, data: frame });
  }, 1000 / 30);
  return { track: track as unknown as MediaStreamTrack, stop: () => clearInterval(timer) };
}

function countFrames(track: MediaStreamTrack): void {
  const sink = new wrtc.nonstandard.RTCVideoSink(track as never);
  sink.onframe = (event: Event) => {
    const { frame } = event as unknown as { frame: { width: number; height: number } };
    const now = Date.now();
    if (report.lastFrameAt && now - report.lastFrameAt > FREEZE_MS)
      report.freezes.push({ endAt: now, ms: now - report.lastFrameAt });
    report.lastFrameAt = now;
    report.frames++;
    report.width = frame.width;
    report.height = frame.height;
  };
}

async function main(): Promise<void> {
  await client.connect();
  if (args.role === 'camera') {
    const cam = movingCamera(args.width ?? 320, args.height ?? 240);
    await client.publish(cam.track, {
      source: 'camera',
      simulcast: args.simulcast ?? false,
      codec: 'vp8',
    });
  } else {
    const producer = await new Promise<string>((resolve) => {
      const find = (): boolean => {
        const p = client.producers.find((x) => x.source === 'camera');
        if (p) resolve(p.producerId);
        return !!p;
      };
      if (!find()) client.on('producersChanged', () => void find());
    });
    const sub = await client.watch(producer);
    if (sub.track) countFrames(sub.track);
    sub.on('trackChanged', (t) => countFrames(t));
    sub.on('layersChanged', (l) => (report.spatialLayer = l));
  }
}

let lastStates = '';
setInterval(() => {
  report.at = Date.now();
  void client.getStats().then(
    (s) => {
      report.bytesReceived = s.video.bytesReceived;
      report.candidatePairType = s.candidatePairType ?? null;
      report.relayProtocol = s.relayProtocol ?? null;
    },
    () => undefined,
  );
  const session = (
    client as unknown as {
      session?: { transports?: { connectionState: string; closed: boolean }[] };
    }
  ).session;
  // Private, read for the test only: the SDK exposes no transport state.
  report.transports = (session?.transports ?? [])
    .filter((t) => !t.closed)
    .map((t) => t.connectionState);
  const states = `transports ${report.transports.join(',')}`;
  if (states !== lastStates) report.stateLog.push({ at: report.at, states });
  lastStates = states;
  process.stdout.write(`${JSON.stringify(report)}\n`);
}, 200);

process.on('SIGTERM', () => {
  client.close();
  process.exit(0);
});
main().catch((e: unknown) => {
  report.errors.push(`fatal: ${String(e)}`);
});
