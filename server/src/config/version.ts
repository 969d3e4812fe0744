import fs from 'node:fs';
import { z } from 'zod';

const PackageJson = z.object({ version: z.string().min(1) });

/** The `version` of a package.json; by default the server's own (reported by /api/openapi.json). */
export function packageVersion(
  file: URL | string = new URL('../../package.json', import.meta.url),
): string {
  return PackageJson.parse(JSON.parse(fs.readFileSync(file, 'utf8'))).version;
}
