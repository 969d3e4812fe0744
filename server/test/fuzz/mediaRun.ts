/**
 * The media fuzz alone at full size, until `npm run fuzz` (run.ts) runs it too:
 * `PORCHLIGHT_LOG_LEVEL=warn node --import tsx server/test/fuzz/mediaRun.ts --seed=N
 * --requests=20000 [--concurrency=8] [--recording=continuous]`. Prints the figures as JSON and
 * exits 1 on any finding.
 */
import { startTestServer } from '../../../tests/support/testServer.ts';
import { runMediaFuzz } from './mediaFuzz.ts';

const arg = (name: string): string | undefined =>
  process.argv.find((x) => x.startsWith(`--${name}=`))?.split('=')[1];
const seed = Number(arg('seed') ?? Date.now() % 1_000_000);
const recording = arg('recording') === 'continuous' ? 'continuous' : 'off';
const ts = await startTestServer({ recording: { defaultMode: recording } });
let failed = true;
try {
  const r = await runMediaFuzz(ts, {
    seed,
    requests: Number(arg('requests') ?? 20_000),
    concurrency: Number(arg('concurrency') ?? 8),
    onProgress: (n) => console.error(`media fuzz: ${n} requests`),
  });
  const steady = r.frames.every((f, i) => i === 0 || f > r.frames[i - 1]!);
  console.log(
    JSON.stringify(
      {
        media: {
          seed,
          recording,
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
  failed =
    r.bugs.length > 0 ||
    r.unhandled.length > 0 ||
    !r.workerAlive ||
    !steady ||
    Object.values(r.leaked).some((n) => n !== 0);
} finally {
  await ts.close();
}
process.exit(failed ? 1 : 0);
