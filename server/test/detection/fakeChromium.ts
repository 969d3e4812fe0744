import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A stand-in for Chromium where a test is about the server side of the detector host (scope,
 * supervision), not the page: a shell script that writes its arguments (the launch URL with its
 * one-time code last) to `args` next to itself, one launch per line, and sleeps.
 */
export function fakeChromium(): { path: string; launches: () => string[][]; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-fake-chromium-'));
  const script = path.join(dir, 'chromium');
  fs.writeFileSync(
    script,
    // One write per launch: a launch killed at once never leaves half a line.
    '#!/bin/sh\nline=$(printf "%s\\t" "$@")\necho "$line" >> "$(dirname "$0")/args"\nexec sleep 600\n',
    { mode: 0o755 },
  );
  return {
    path: script,
    dir,
    launches: () => {
      const file = path.join(dir, 'args');
      if (!fs.existsSync(file)) return [];
      return fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => l.split('\t').filter((a) => a.length > 0));
    },
  };
}

/** The one-time code in a launch's URL fragment. */
export function launchCode(args: readonly string[]): string {
  const code = /#code=([A-Za-z0-9_-]+)$/.exec(args.at(-1) ?? '')?.[1];
  if (!code) throw new Error(`no launch code in ${args.at(-1)}`);
  return code;
}
