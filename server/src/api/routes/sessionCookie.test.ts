import { describe, expect, it } from 'vitest';
import { assertSameOrigin } from './sessionCookie.ts';

describe('assertSameOrigin', () => {
  it('accepts a same-origin request over HTTP/1.1 (Host) and over HTTP/2 (:authority)', () => {
    expect(() => assertSameOrigin({ origin: 'https://box:8443', host: 'box:8443' })).not.toThrow();
    // Browsers speak HTTP/2 to the server: no Host header, the authority pseudo-header instead.
    expect(() =>
      assertSameOrigin({ origin: 'https://box:8443', ':authority': 'box:8443' }),
    ).not.toThrow();
  });

  it('refuses another origin and a cross-site fetch', () => {
    expect(() => assertSameOrigin({ origin: 'https://evil.example', host: 'box:8443' })).toThrow(
      /Origin/,
    );
    expect(() =>
      assertSameOrigin({ origin: 'https://evil.example', ':authority': 'box:8443' }),
    ).toThrow(/Origin/);
    expect(() => assertSameOrigin({ 'sec-fetch-site': 'cross-site', host: 'box:8443' })).toThrow(
      /Sec-Fetch-Site/,
    );
  });
});
