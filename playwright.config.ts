import { defineConfig } from '@playwright/test';
import { AUDIO_WAV, VIDEO_Y4M } from './tests/support/fixtures.ts';
import { ensureTestCert } from './tests/support/tlsFixture.ts';

// The test servers' certificate: Chromium trusts its key for HTTPS and for TURN over TLS.
const testCert = ensureTestCert();

/** Flags measured to work for headless WebRTC as root with fake devices (docs/testing.md). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
  `--use-file-for-fake-video-capture=${VIDEO_Y4M}`,
  `--use-file-for-fake-audio-capture=${AUDIO_WAV}`,
  `--ignore-certificate-errors-spki-list=${testCert.spki}`,
];

export default defineConfig({
  testDir: 'tests/e2e',
  globalSetup: './tests/e2e/globalSetup.ts',
  // Real media on 2 cores: one test at a time keeps timings meaningful.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  outputDir: 'test-results/playwright',
  use: {
    ignoreHTTPSErrors: true,
    trace: 'retain-on-failure',
    launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
  },
});
