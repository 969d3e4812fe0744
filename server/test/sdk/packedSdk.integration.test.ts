import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wrtc from '@roamhq/wrtc';
import { PorchlightApi } from '@porchlight/sdk';
import { createNodeClient, type PorchlightClient } from '@porchlight/sdk/node';
import '../../../tests/support/http.ts';
import { installPackedSdk, SDK_DIR } from '../../../tests/support/sdkExamples.ts';
import { startTestServer, type TestServer } from '../../../tests/support/testServer.ts';
import { syntheticCamera, YUV } from '../../../tests/support/wrtc.ts';
import { decodeFrames, ffprobe, until } from '../recording/support.ts';

const run = promisify(execFile);
const ROOT = path.resolve(SDK_DIR, '../..');

interface PublishedManifest {
  private?: boolean;
  exports: Record<string, Record<string, string> | string>;
  dependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
}

/**
 * The SDK as an integrator gets it: `npm pack` (which builds it), unpacked into a fresh
 * project. The tarball holds the build only; TypeScript and Node resolve every entry point from
 * it; the Node example downloads a playable clip from a real server with a scoped API key.
 */
describe('the packed @porchlight/sdk', () => {
  let project: string;
  let files: string[];
  let manifest: PublishedManifest;

  beforeAll(() => {
    ({ project, files } = installPackedSdk());
    manifest = JSON.parse(
      fs.readFileSync(path.join(project, 'node_modules/@porchlight/sdk/package.json'), 'utf8'),
    ) as PublishedManifest;
  }, 180_000);

  it('holds dist/ only, with a manifest on dist/ that needs no private workspace package', () => {
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) expect(file).toMatch(/^(dist\/|package\.json$|README\.md$)/);
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/react.js',
        'dist/node.js',
        'dist/rest.js',
        'dist/browser/porchlight.js',
        'dist/types/sdk/src/index.d.ts',
      ]),
    );
    expect(manifest.private).toBeUndefined();
    expect(manifest.exports['.']).toEqual({
      types: './dist/types/sdk/src/index.d.ts',
      import: './dist/index.js',
    });
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      'mediasoup-client',
      'socket.io-client',
      'zod',
    ]);
    expect(manifest.peerDependencies).toEqual({ react: '>=18' });
    expect(manifest.scripts?.['prepack']).toBeUndefined();
    // The workspace's manifest is back on the sources (postpack).
    const workspace = JSON.parse(
      fs.readFileSync(path.join(SDK_DIR, 'package.json'), 'utf8'),
    ) as PublishedManifest;
    expect(workspace.exports['.']).toBe('./src/index.ts');
    expect(fs.existsSync(path.join(SDK_DIR, '.package.workspace.json'))).toBe(false);
  });

  it('type-checks a consumer of every entry point against the published declarations', async () => {
    for (const types of ['@types/node', '@types/react']) {
      const link = path.join(project, 'node_modules', types);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      if (!fs.existsSync(link)) fs.symlinkSync(path.join(ROOT, 'node_modules', types), link);
    }
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          types: ['node'],
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: false,
        },
        files: ['consumer.ts'],
      }),
    );
    fs.writeFileSync(
      path.join(project, 'consumer.ts'),
      [
        "import { PorchlightClient, ProtocolVersionError, PROTOCOL_VERSION, type ProducerInfo } from '@porchlight/sdk';",
        "import { PorchlightApi } from '@porchlight/sdk/rest';",
        "import { useCameras, useLiveVideo, PorchlightProvider } from '@porchlight/sdk/react';",
        "import { createApiKeyClient, createNodeClient, downloadClip } from '@porchlight/sdk/node';",
        "import { verifyWebhookSignature } from '@porchlight/sdk/webhooks';",
        "const client = new PorchlightClient({ url: 'https://h', token: 't' });",
        'const cameras: () => readonly ProducerInfo[] = useCameras;',
        "const api: PorchlightApi = createApiKeyClient({ url: 'https://h', apiKey: 'plk_x' });",
        "const failure: ProtocolVersionError = new ProtocolVersionError(PROTOCOL_VERSION, { min: 2, max: 2 }, 'x');",
        'void [client, cameras, api, failure, useLiveVideo, PorchlightProvider, createNodeClient, downloadClip, verifyWebhookSignature];',
        '// @ts-expect-error: the published types are checked, not `any`',
        'client.publish(42);',
      ].join('\n'),
    );
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', project]).catch(
      (e: { stdout: string }) => e,
    );
    expect(result.stdout).toBe('');
  }, 120_000);

  it('loads in Node from dist/ (no TypeScript loader)', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const n = await import('@porchlight/sdk/node'); const r = await import('@porchlight/sdk/react');" +
          ' console.log(typeof n.createApiKeyClient, typeof n.PorchlightClient, n.PROTOCOL_VERSION, typeof r.useCameras,' +
          " import.meta.resolve('@porchlight/sdk/node'))",
      ],
      { cwd: project },
    );
    const [api, client, version, hook, resolved] = stdout.trim().split(' ');
    expect([api, client, hook]).toEqual(['function', 'function', 'function']);
    expect(Number(version)).toBeGreaterThanOrEqual(1);
    expect(resolved).toMatch(/node_modules\/@porchlight\/sdk\/dist\/node\.js$/);
  });

  describe('examples/node-clip: a scoped API key lists cameras and downloads a clip', () => {
    let ts: TestServer;
    let camera: PorchlightClient;
    let stopSource: (() => void) | undefined;
    let deviceId: string;
    let owner: PorchlightApi;

    beforeAll(async () => {
      ts = await startTestServer({ recording: { defaultMode: 'continuous' } });
      const minted = await ts.mintWithId('camera', { label: 'Porch' });
      deviceId = minted.id;
      camera = createNodeClient({
        url: ts.url,
        token: minted.token,
        wrtc,
        socketOptions: { rejectUnauthorized: false },
      });
      await camera.connect();
      const source = syntheticCamera(320, 240, YUV.red);
      stopSource = source.stop;
      await camera.publish(source.track, { source: 'camera', simulcast: false });
      const ownerToken = await ts.mint('viewer', { siteRole: 'owner' });
      owner = new PorchlightApi({ url: ts.url, getToken: () => ownerToken });
      // Six seconds recorded, so the example finds a range to cut from.
      await until(
        '6 s of recording',
        async () => {
          const { ranges } = await owner.getRecordingTimeline(ts.siteId, deviceId, {
            from: Date.now() - 600_000,
            to: Date.now(),
          });
          return ranges.some((r) => r.to - r.from >= 6000);
        },
        60_000,
      );
    }, 120_000);
    afterAll(async () => {
      stopSource?.();
      camera?.close();
      await ts?.close();
    });

    async function example(apiKey: string, out: string) {
      const script = path.join(project, 'download-clip.mjs');
      fs.copyFileSync(path.join(SDK_DIR, 'examples/node-clip/download-clip.mjs'), script);
      return run(process.execPath, [script, out, '4'], {
        cwd: project,
        env: {
          PATH: process.env['PATH'],
          PORCHLIGHT_URL: ts.url,
          PORCHLIGHT_API_KEY: apiKey,
          PORCHLIGHT_SITE: ts.siteId,
          // The test server's certificate is self-signed; a real server's is not.
          NODE_TLS_REJECT_UNAUTHORIZED: '0',
          NODE_NO_WARNINGS: '1',
        },
      }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    }

    it('writes an MP4 that ffprobe reads and ffmpeg decodes', async () => {
      const { key } = await owner.createApiKey({
        name: 'clip exporter',
        scopes: ['site:read', 'stream:view-live', 'stream:view-recording'],
        siteId: ts.siteId,
      });
      const out = path.join(project, 'clip.mp4');
      const result = await example(key, out);
      expect(result.stdout).toContain(`camera ${deviceId} "Porch" online`);
      expect(result.stdout).toMatch(/clip .*clip\.mp4 \d+ bytes of "Porch"/);
      const probe = await ffprobe(out);
      expect(probe.streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('h264');
      expect(Number(probe.format.duration)).toBeGreaterThan(2);
      expect(await decodeFrames(out)).toBeGreaterThan(20);
    }, 60_000);

    it('a key without stream:view-recording is refused, and the example says so', async () => {
      const { key } = await owner.createApiKey({
        name: 'live only',
        scopes: ['site:read', 'stream:view-live'],
        siteId: ts.siteId,
      });
      const out = path.join(project, 'refused.mp4');
      const result = await example(key, out);
      expect('code' in result ? result.code : 0).toBe(1);
      expect('stderr' in result ? result.stderr : '').toMatch(/failed: .*not allowed/i);
      expect(fs.existsSync(out)).toBe(false);
    }, 60_000);
  });
});
