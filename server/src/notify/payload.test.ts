import { describe, expect, it } from 'vitest';
import { PushPayloadSchema, type PushPayload } from '@porchlight/protocol';
import { fitPayload, MAX_PLAINTEXT_BYTES, topicFor, truncateText } from './payload.ts';

const base: PushPayload = {
  v: 1,
  type: 'ring',
  callId: 'c1',
  tag: 'c1',
  title: 'Someone is at the door',
  body: 'Tap to answer',
  url: '/calls/c1',
  actions: ['answer', 'decline'],
  renotify: true,
  requireInteraction: true,
  timestamp: 1,
};

describe('push payload cap', () => {
  it('leaves a small payload alone', () => {
    expect(JSON.parse(fitPayload(base)!)).toStrictEqual(base);
  });
  it('cuts body then title (by code points, with …) to fit, keeping every field', () => {
    const big = { ...base, title: '"🚪"'.repeat(500), body: '\\é'.repeat(3000) };
    const json = fitPayload(big)!;
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_PLAINTEXT_BYTES);
    const p = PushPayloadSchema.parse(JSON.parse(json));
    expect(p.body.endsWith('…')).toBe(true);
    expect(p.title.startsWith('"🚪"')).toBe(true);
    expect(p).toMatchObject({ callId: 'c1', tag: 'c1', actions: ['answer', 'decline'] });
    expect(p.title).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no broken surrogate
  });
  it('refuses (null) what cannot fit without dropping a field', () => {
    expect(fitPayload({ ...base, actionToken: 'x'.repeat(1000) }, 900)).toBeNull();
  });
  it('truncateText never splits an emoji', () => {
    expect(truncateText('🚪🚪🚪', 2)).toBe('🚪…');
  });
  it('topic: a UUID without dashes, ≤ 32 URL-safe characters', () => {
    expect(topicFor('0612dd73-0cad-4ae2-afa6-d4b37d5e25d7')).toBe(
      '0612dd730cad4ae2afa6d4b37d5e25d7',
    );
    expect(topicFor('a.b/c'.repeat(20))).toMatch(/^[A-Za-z0-9_]{1,32}$/);
  });
});
