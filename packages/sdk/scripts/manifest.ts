/**
 * The published manifest. In the workspace, package.json points at the TypeScript sources so
 * apps, the server's tests, vitest, tsx and tsc use them without a build step. `npm pack` and
 * `npm publish` run `prepack` (build, then `manifest.ts publish`) and `postpack`
 * (`manifest.ts restore`): the tarball's package.json takes `publishConfig`'s entry points
 * (dist/), drops the private workspace packages the build inlined and depends on their
 * dependencies instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST = path.join(ROOT, 'package.json');
const BACKUP = path.join(ROOT, '.package.workspace.json');

type Deps = Record<string, string>;
interface Manifest {
  dependencies?: Deps;
  devDependencies?: Deps;
  publishConfig?: Record<string, unknown>;
  scripts?: Record<string, string>;
  [key: string]: unknown;
}

const read = (file: string): Manifest => JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;

/** The manifest as published: entry points on dist/, inlined workspace packages replaced. */
function publishedManifest(workspace: Manifest, inlined: Record<string, Manifest>): Manifest {
  const { publishConfig = {}, devDependencies: _dev, ...rest } = workspace;
  const { access, registry, tag, ...fields } = publishConfig as Record<string, unknown>;
  const dependencies: Deps = {};
  for (const [name, range] of Object.entries(workspace.dependencies ?? {})) {
    const pkg = inlined[name];
    if (pkg === undefined) dependencies[name] = range;
    else Object.assign(dependencies, pkg.dependencies);
  }
  const scripts = { ...workspace.scripts };
  delete scripts['prepack'];
  delete scripts['postpack'];
  return {
    ...rest,
    ...fields,
    dependencies: Object.fromEntries(Object.entries(dependencies).sort()),
    scripts,
    publishConfig: Object.fromEntries(
      Object.entries({ access, registry, tag }).filter(([, v]) => v !== undefined),
    ),
  };
}

function inlinedPackages(workspace: Manifest): Record<string, Manifest> {
  const out: Record<string, Manifest> = {};
  for (const name of Object.keys(workspace.dependencies ?? {})) {
    if (!name.startsWith('@porchlight/')) continue;
    out[name] = read(path.join(ROOT, '..', name.slice('@porchlight/'.length), 'package.json'));
  }
  return out;
}

const command = process.argv[2];
if (command === 'publish') {
  if (fs.existsSync(BACKUP)) throw new Error(`${BACKUP} exists: a previous pack did not restore`);
  const workspace = read(MANIFEST);
  fs.copyFileSync(MANIFEST, BACKUP);
  const published = publishedManifest(workspace, inlinedPackages(workspace));
  fs.writeFileSync(MANIFEST, `${JSON.stringify(published, null, 2)}\n`);
} else if (command === 'restore') {
  if (fs.existsSync(BACKUP)) fs.renameSync(BACKUP, MANIFEST);
} else if (command === 'print') {
  const workspace = read(MANIFEST);
  console.log(JSON.stringify(publishedManifest(workspace, inlinedPackages(workspace)), null, 2));
} else {
  throw new Error('usage: manifest.ts publish | restore | print');
}
