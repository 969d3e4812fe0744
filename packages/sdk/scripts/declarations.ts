/**
 * After `tsc -p tsconfig.build.json`: makes the emitted declarations stand alone. The private
 * workspace packages the build inlines (@porchlight/protocol, @porchlight/emitter) are emitted
 * beside the SDK's (dist/types/{protocol,emitter}); their bare specifiers become relative paths,
 * and `.ts` import extensions become `.js`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/types');

/** Bare specifiers of the inlined workspace packages -> their declaration under dist/types. */
const INLINED: Record<string, string> = {
  '@porchlight/protocol': 'protocol/src/index.js',
  '@porchlight/protocol/vocabulary': 'protocol/src/vocabulary.js',
  '@porchlight/emitter': 'emitter/src/index.js',
};

function rewrite(file: string, text: string): string {
  return text.replace(
    /(from\s+|import\s*\(\s*)(['"])([^'"]+)\2/g,
    (whole, lead: string, quote: string, spec: string) => {
      let target = spec;
      const inlined = INLINED[spec];
      if (inlined !== undefined) {
        target = path.relative(path.dirname(file), path.join(TYPES, inlined)).replaceAll('\\', '/');
        if (!target.startsWith('.')) target = `./${target}`;
      } else if (spec.startsWith('.') && spec.endsWith('.ts')) {
        target = `${spec.slice(0, -3)}.js`;
      } else if (spec.startsWith('@porchlight/')) {
        throw new Error(`${file}: ${spec} is not inlined by the build`);
      }
      return target === spec ? whole : `${lead}${quote}${target}${quote}`;
    },
  );
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

let count = 0;
for (const file of walk(TYPES).filter((f) => f.endsWith('.d.ts'))) {
  const text = fs.readFileSync(file, 'utf8');
  const next = rewrite(file, text);
  if (next !== text) fs.writeFileSync(file, next);
  count++;
}
console.log(`declarations: ${count} files in ${path.relative(process.cwd(), TYPES)}`);
