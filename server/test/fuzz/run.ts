/**
 * `npm run fuzz`: the full-size fuzz of docs/reliability.md ("Fuzzing") against one real server
 * (real mediasoup worker, SQLite): 100,000 socket messages, then 20,000 REST requests, then
 * 20,000 WHIP/WHEP/`/media`/upload requests (a server of its own recording continuously), then the
 * bytes fuzz (1,000,000 inputs into each of the RTP recorder path, the STUN probe parser and the
 * fMP4 parsers; no server needed). Prints the figures as JSON and exits non-zero on any finding.
 * Options: --seed=N --messages=N --sockets=N --requests=N --media=N --bytes=N
 * --only=socket,rest,media,bytes.
 */
import { startTestServer } from '../../../tests/support/testServer.ts';
import { runBytesFuzz } from './bytes/bytesFuzz.ts';
import { runMediaFuzz } from './mediaFuzz.ts';
import { runRestFuzz } from './restFuzz.ts';
import { runSocketFuzz } from './socketFuzz.ts';

const arg = (name: string, dflt: number): number => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : dflt;
};
const seed = arg('seed', Date.now() % 1_000_000);
const onlyArg = process.argv.find((x) => x.startsWith('--only='))?.split('=')[1];
const ALL = ['socket', 'rest', 'media', 'bytes'];
const parts = new Set(onlyArg ? onlyArg.split(',') : ALL);
for (const p of parts) {
  if (!ALL.includes(p)) {
    console.error(`--only: unknown part ${p} (${ALL.join(', ')})`);
    process.exit(2);
  }
}
/** The honest viewer's frame counts, one per tenth of a run: video flowed all along. */
function rising(frames: number[]): boolean {
  return frames.every((f, i) => i === 0 || f > frames[i - 1]!);
}

let failed = false;
if (parts.has('socket') || parts.has('rest')) failed = await serverFuzz();
if (parts.has('media')) failed = (await mediaFuzz()) || failed;
if (parts.has('bytes')) {
  const b = await runBytesFuzz({
    seed,
    inputs: arg('bytes', 1_000_000),
    onProgress: (line) => console.error(line),
  });
  console.log(JSON.stringify({ bytes: b }, null, 1));
  failed ||= b.findings.length > 0;
}
process.exit(failed ? 1 : 0);

async function serverFuzz(): Promise<boolean> {
  const ts = await startTestServer();
  let failed = false;
  try {
    if (parts.has('socket')) {
      const s = await runSocketFuzz(ts, {
        seed,
        messages: arg('messages', 100_000),
        sockets: arg('sockets', 32),
        perSocketRate: 45,
        onProgress: (n) => console.error(`socket fuzz: ${n} messages`),
      });
      const steady = rising(s.frames);
      console.log(
        JSON.stringify(
          {
            socket: {
              seed,
              messages: s.messages,
              seconds: s.durationMs / 1000,
              messagesPerSecond: Math.round(s.messages / (s.durationMs / 1000)),
              outcomes: s.outcomes,
              disconnectsMidRequest: s.disconnects,
              bugs: s.bugs.slice(0, 20),
              bugCount: s.bugs.length,
              leaked: s.leaked,
              unhandled: s.unhandled.slice(0, 5),
              workerAlive: s.workerAlive,
              honestViewerFrames: s.frames,
              honestVideoSteady: steady,
              honestEvents: s.honestEvents.slice(0, 40),
            },
          },
          null,
          1,
        ),
      );
      failed ||=
        s.bugs.length > 0 ||
        s.unhandled.length > 0 ||
        !s.workerAlive ||
        !steady ||
        s.leaked.transports + s.leaked.producers + s.leaked.consumers > 0;
    }

    if (parts.has('rest')) {
      const r = await runRestFuzz(ts, { seed, requests: arg('requests', 20_000), concurrency: 16 });
      console.log(
        JSON.stringify(
          {
            rest: {
              seed,
              requests: r.requests,
              seconds: r.durationMs / 1000,
              requestsPerSecond: Math.round(r.requests / (r.durationMs / 1000)),
              statuses: r.statuses,
              codes: r.codes,
              bugs: r.bugs.slice(0, 20),
              bugCount: r.bugs.length,
              unhandled: r.unhandled.slice(0, 5),
            },
          },
          null,
          1,
        ),
      );
      failed ||= r.bugs.length > 0 || r.unhandled.length > 0;
    }
  } finally {
    await ts.close();
  }
  return failed;
}

async function mediaFuzz(): Promise<boolean> {
  // Recording on, so `/media` requests reach real playlists and segments.
  const ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
  try {
    const r = await runMediaFuzz(ts, {
      seed,
      requests: arg('media', 20_000),
      concurrency: 8,
      onProgress: (n) => console.error(`media fuzz: ${n} requests`),
    });
    const steady = rising(r.frames);
    console.log(
      JSON.stringify(
        {
          media: {
            seed,
            requests: r.requests,
            seconds: r.durationMs / 1000,
            requestsPerSecond: Math.round(r.requests / (r.durationMs / 1000)),
            statuses: r.statuses,
            bugs: r.bugs.slice(0, 20),
            bugCount: r.bugs.length,
            unhandled: r.unhandled.slice(0, 5),
            workerAlive: r.workerAlive,
            leaked: r.leaked,
            sessions: r.sessions,
            honestViewerFrames: r.frames,
            honestVideoSteady: steady,
          },
        },
        null,
        1,
      ),
    );
    return (
      r.bugs.length > 0 ||
      r.unhandled.length > 0 ||
      !r.workerAlive ||
      !steady ||
      Object.values(r.leaked).some((n) => n !== 0)
    );
  } finally {
    await ts.close();
  }
}
