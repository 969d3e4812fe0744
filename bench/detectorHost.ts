/**
 * Detection on the server (docs/detection.md): what the detector host costs. A Chromium camera
 * whose fake capture plays the pedestrian clip (tests/support/detectionClips.ts: 20 s of empty
 * street, 16 s of people, looped) is set to `runOn: 'server'`; the server launches its headless
 * Chromium, which consumes the camera over WebRTC and runs the detector. Over the measuring window
 * it samples the host's whole process group (browser, renderer, GPU/utility helpers, the
 * detector's worker) for CPU, and the host's own report for detections/s and ms/frame.
 *
 *   node --import tsx bench/detectorHost.ts [--seconds=36]
 *
 * Prints the numbers; writes nothing (results files are the lead's).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { PorchlightApi } from '@porchlight/sdk';
import { chromiumArgs } from '../playwright.config.ts';
import { personAppearsClip } from '../tests/support/detectionClips.ts';
import '../tests/support/http.ts';
import { startTestServer } from '../tests/support/testServer.ts';
import { buildWebApp } from '../tests/web/build.ts';
import { numberArg } from './lib/args.ts';
import { quietLogs, runMain } from './lib/main.ts';
import { machineInfo, processCpuMs, sleep } from './lib/resources.ts';

/** CPU ms of every live process in a process group (the host runs in its own). */
function groupCpuMs(pgid: number): number {
  let total = 0;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid) total += processCpuMs(Number(name)) || 0;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

async function main(): Promise<void> {
  quietLogs();
  const seconds = numberArg('seconds', 36);
  const apps = fs.mkdtempSync(path.join(os.tmpdir(), 'porchlight-bench-apps-'));
  buildWebApp('home', 'production', { outDir: path.join(apps, 'home', 'dist'), sourcemap: false });
  fs.mkdirSync(path.join(apps, 'admin', 'dist'), { recursive: true });
  const ts = await startTestServer({ detection: { host: { enabled: true } } }, { appsDir: apps });
  const args = chromiumArgs.map((a) =>
    a.startsWith('--use-file-for-fake-video-capture=')
      ? `--use-file-for-fake-video-capture=${personAppearsClip()}`
      : a,
  );
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
  try {
    const owner = await ts.mint('viewer', { siteRole: 'owner' });
    const api = new PorchlightApi({ url: ts.url, getToken: () => Promise.resolve(owner) });
    const { code, deviceId } = await ts.provisioningCode({ name: 'Bench camera' });
    const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
    await page.goto(`${ts.url}/#provision=${encodeURIComponent(code)}`);
    await page.getByTestId('camera-status').filter({ hasText: 'publishing' }).waitFor({
      timeout: 60_000,
    });
    const t0 = Date.now();
    await api.putDetectionSettings(deviceId, { enabled: true, runOn: 'server' });
    const hosting = ts.server.detection.hosting!;
    for (;;) {
      const v = await api.getDetectionSettings(deviceId);
      if ((v.server?.detectionsPerSecond ?? 0) > 0) break;
      if (Date.now() - t0 > 180_000) throw new Error('the detector host never started detecting');
      await sleep(500);
    }
    const startupMs = Date.now() - t0;
    const pid = hosting.host!.pid!;
    const rates: number[] = [];
    const ms: number[] = [];
    let backend = '';
    const cpu0 = groupCpuMs(pid);
    const w0 = Date.now();
    while (Date.now() - w0 < seconds * 1000) {
      await sleep(2000);
      const s = (await api.getDetectionSettings(deviceId)).server;
      if (s?.detectionsPerSecond != null) rates.push(s.detectionsPerSecond);
      if (s?.msPerFrame != null) ms.push(s.msPerFrame);
      backend = s?.backend ?? backend;
    }
    const cpuPct = ((groupCpuMs(pid) - cpu0) / (Date.now() - w0)) * 100;
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const events = (await api.listEvents({ deviceId })).events.length;
    const result = {
      cameras: 1,
      windowSeconds: seconds,
      startupToFirstDetectionMs: startupMs,
      hostCpuPctOfOneCore: Math.round(cpuPct),
      detectionsPerSecond: Number(mean(rates).toFixed(2)),
      msPerFrame: Math.round(mean(ms)),
      backend,
      events,
      loadAvg1: machineInfo().loadAvg1,
    };
    console.log(JSON.stringify(result));
    console.log(
      `detector host, 1 camera: ${result.hostCpuPctOfOneCore} % of one core, ` +
        `${result.detectionsPerSecond} detections/s, ${result.msPerFrame} ms/frame (${backend}); ` +
        `first detection ${(startupMs / 1000).toFixed(1)} s after runOn 'server' (Chromium start, ` +
        `model load, WebRTC); load average ${result.loadAvg1.toFixed(1)}`,
    );
  } finally {
    await browser.close();
    await ts.close();
    fs.rmSync(apps, { recursive: true, force: true });
  }
}

runMain('detectorHost', main);
