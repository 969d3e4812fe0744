import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageVersion } from './version.ts';

describe('packageVersion', () => {
  it("reads the server's package.json by default", () => {
    const pkg = JSON.parse(
      fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'),
    ) as { version: string };
    expect(packageVersion()).toBe(pkg.version);
  });

  it('reads whatever version the file holds (nothing hard-coded)', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'plver-')), 'package.json');
    fs.writeFileSync(file, JSON.stringify({ name: 'x', version: '9.8.7-rc.1' }));
    expect(packageVersion(file)).toBe('9.8.7-rc.1');
    fs.writeFileSync(file, JSON.stringify({ name: 'x' }));
    expect(() => packageVersion(file)).toThrow();
  });
});
