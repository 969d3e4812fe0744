import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeChromium } from '../../../test/detection/fakeChromium.ts';
import { DetectorHost } from './DetectorHost.ts';

async function until<T>(what: string, probe: () => T | null | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('DetectorHost (the Chromium supervisor)', () => {
  const made: { host: DetectorHost; dir: string }[] = [];
  afterEach(() => {
    for (const m of made.splice(0)) {
      m.host.close();
      fs.rmSync(m.dir, { recursive: true, force: true });
    }
  });

  function host(): { host: DetectorHost; launches: () => string[][] } {
    const chromium = fakeChromium();
    let n = 0;
    const h = new DetectorHost({
      chromiumPath: chromium.path,
      profileDir: path.join(chromium.dir, 'profile'),
      launch: () => ({
        url: `https://127.0.0.1:1/detector-host.html#code=c${++n}`,
        args: ['--headless'],
      }),
      backoff: { minMs: 50, maxMs: 200 },
    });
    made.push({ host: h, dir: chromium.dir });
    return { host: h, launches: chromium.launches };
  }

  it('starts when wanted, restarts a dead Chromium with a new launch, stops when not wanted', async () => {
    const { host: h, launches } = host();
    expect(h.pid).toBeNull();
    h.want(true);
    const first = await until('first start', () => h.pid);
    await until('first launch recorded', () => launches()[0]);
    // Each launch gets a fresh profile of its own, never the user's.
    expect(launches()[0]!.some((a) => a.startsWith('--user-data-dir='))).toBe(true);
    process.kill(-first, 'SIGKILL');
    const second = await until('restart', () => (h.pid !== null && h.pid !== first ? h.pid : null));
    expect(h.restarts).toBe(1);
    await until('second launch recorded', () => launches()[1]);
    expect(launches()[1]!.at(-1)).toMatch(/#code=c2$/);
    h.want(false);
    expect(h.pid).toBeNull();
    await until('stopped', () => (alive(second) ? null : true));
  });

  it('close stops it for good and is idempotent', async () => {
    const { host: h } = host();
    h.want(true);
    const pid = await until('start', () => h.pid);
    h.close();
    h.close();
    h.want(true);
    expect(h.pid).toBeNull();
    await until('stopped', () => (alive(pid) ? null : true));
    // No restart after close, even though it died.
    await new Promise((r) => setTimeout(r, 300));
    expect(h.pid).toBeNull();
  });

  it('a missing executable is an exit like any, retried with backoff', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-nochromium-'));
    const h = new DetectorHost({
      chromiumPath: path.join(dir, 'missing'),
      profileDir: path.join(dir, 'profile'),
      launch: () => ({ url: 'https://127.0.0.1:1/', args: [] }),
      backoff: { minMs: 20, maxMs: 40 },
    });
    made.push({ host: h, dir });
    const exits: unknown[] = [];
    h.on('exited', (e) => exits.push(e));
    h.want(true);
    await until('two failed starts', () => (exits.length >= 2 ? true : null));
    expect(h.restarts).toBeGreaterThanOrEqual(1);
  });
});
