import { describe, expect, it } from 'vitest';
import { servesAppShell } from './spaFallback.ts';

describe('SPA fallback', () => {
  it("answers the home app's client-side routes with its page", () => {
    for (const url of [
      '/',
      '/cameras/d1',
      '/timeline/d1?t=1764700000000',
      '/people',
      '/devices',
      '/settings/notifications',
      '/calls/c1?action=answer',
      '/door/tok',
      '/camera-roll',
      '/apiary',
    ])
      expect(servesAppShell('/', url), url).toBe(true);
  });

  it("never answers the server's own paths with a page", () => {
    for (const url of [
      '/api',
      '/api/v1/nope',
      '/socket.io/?x',
      '/media/tok/x.m3u8',
      '/ca',
      '/ca/x',
      '/detector/tfjs-4.22.0_centernet-512-human-3.3.6/missing.wasm',
    ])
      expect(servesAppShell('/', url), url).toBe(false);
    expect(servesAppShell('/', '/admin')).toBe(false);
    expect(servesAppShell('/admin/', '/admin/accounts')).toBe(true);
    expect(servesAppShell('/admin/', '/api/v1/x')).toBe(false);
  });
});
