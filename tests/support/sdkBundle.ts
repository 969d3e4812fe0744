import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';

/**
 * What an app ships for an SDK entry point: the entry's whole public surface (`export *`, so
 * nothing is shaken off) bundled for browsers and minified the way an app's Vite build does it.
 * Shared by the size budget test (server/test/sdk/bundleSize.test.ts) and bench/sdkSize.ts.
 */
export interface BundleReport {
  entry: string;
  /** Loaded up front: the entry chunk and what it imports statically. */
  initial: { raw: number; gzip: number };
  /** Loaded on demand (dynamic imports; e.g. the contract checks of development builds). */
  lazy: { raw: number; gzip: number };
  /** Every bundled module (absolute paths of files, or ids of virtual modules). */
  modules: string[];
  /** Bare imports left in the output (externals). */
  imports: string[];
}

const ROOT = path.resolve(import.meta.dirname, '../..');

export async function bundleSdkEntry(
  entry: '@porchlight/sdk' | '@porchlight/sdk/react' | '@porchlight/sdk/rest',
  options: { external?: string[] } = {},
): Promise<BundleReport> {
  // Inside the repository (test-results/ is ignored), so the entry resolves the workspace's SDK.
  fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, 'test-results', 'sdk-size-'));
  const input = path.join(dir, 'entry.js');
  fs.writeFileSync(input, `export * from '${entry}';\n`);
  try {
    const result = await build({
      root: ROOT,
      configFile: false,
      logLevel: 'silent',
      mode: 'production',
      define: { 'process.env.NODE_ENV': '"production"' },
      build: {
        write: false,
        minify: true,
        target: 'es2022',
        modulePreload: false,
        rollupOptions: {
          input,
          preserveEntrySignatures: 'strict',
          external: options.external ?? [],
        },
      },
    });
    const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
    const chunks = outputs
      .flatMap((o) => o.output)
      .filter((c): c is Rolldown.OutputChunk => c.type === 'chunk');
    const byName = new Map(chunks.map((c) => [c.fileName, c]));
    const initial = new Set<string>();
    const visit = (name: string): void => {
      if (initial.has(name)) return;
      initial.add(name);
      for (const next of byName.get(name)?.imports ?? []) if (byName.has(next)) visit(next);
    };
    for (const c of chunks) if (c.isEntry) visit(c.fileName);
    const size = (list: Rolldown.OutputChunk[]) => ({
      raw: list.reduce((n, c) => n + Buffer.byteLength(c.code), 0),
      gzip: list.reduce((n, c) => n + gzipSync(c.code, { level: 9 }).length, 0),
    });
    return {
      entry,
      initial: size(chunks.filter((c) => initial.has(c.fileName))),
      lazy: size(chunks.filter((c) => !initial.has(c.fileName))),
      modules: [...new Set(chunks.flatMap((c) => c.moduleIds))].sort(),
      imports: [...new Set(chunks.flatMap((c) => [...c.imports, ...c.dynamicImports]))].filter(
        (i) => !byName.has(i),
      ),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
