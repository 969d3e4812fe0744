import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REQUEST_NAMES } from '@porchlight/protocol';
import { handlers } from '../src/signaling/handlers.ts';

const doc = fs.readFileSync(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/protocol.md'),
  'utf8',
);

/** docs/protocol.md lists every socket request the protocol defines (issue 9 §5). */
describe('docs/protocol.md', () => {
  it.each(REQUEST_NAMES)('lists the %s request', (name) => {
    expect(doc).toContain(`\`${name}\``);
  });

  it('documents exactly the requests the server handles (plus join)', () => {
    expect([...Object.keys(handlers), 'join'].sort()).toEqual([...REQUEST_NAMES].sort());
  });
});
