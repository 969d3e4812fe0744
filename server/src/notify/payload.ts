import { PUSH_LIMITS, type PushPayload } from '@porchlight/protocol';

/**
 * aes128gcm adds 86 bytes of header (salt, record size, sender key), a padding delimiter and a
 * 16-byte tag: 103 bytes. Push services refuse bodies over 4096 bytes, so the JSON may take 3993.
 */
export const AES128GCM_OVERHEAD = 103;
export const MAX_PLAINTEXT_BYTES = PUSH_LIMITS.encryptedBytes - AES128GCM_OVERHEAD;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** `s` cut to at most `max` code points (never in the middle of a surrogate pair), with "…". */
export function truncateText(s: string, max: number): string {
  const points = [...s];
  if (points.length <= max) return s;
  return max <= 1 ? points.slice(0, max).join('') : points.slice(0, max - 1).join('') + '…';
}

/**
 * The payload's JSON, shortened to fit `maxBytes`: the body first, then the title (down to a
 * few characters). Never drops a field: returns null when even that does not fit (a huge image
 * URL or token), and the caller refuses to send.
 */
export function fitPayload(payload: PushPayload, maxBytes = MAX_PLAINTEXT_BYTES): string | null {
  let p: PushPayload = {
    ...payload,
    title: truncateText(payload.title, PUSH_LIMITS.title),
    body: truncateText(payload.body, PUSH_LIMITS.body),
  };
  let json = JSON.stringify(p);
  if (utf8(json) <= maxBytes) return json;
  // Cut the body by what is over (in code points, each at most 4 bytes... JSON escapes up to 6).
  for (const field of ['body', 'title'] as const) {
    const min = field === 'title' ? 8 : 0;
    while (utf8(json) > maxBytes && [...p[field]].length > min) {
      const over = utf8(json) - maxBytes;
      const length = [...p[field]].length;
      const keep = Math.max(min, length - Math.max(1, Math.ceil(over / 6)) - 1);
      p = { ...p, [field]: truncateText(p[field], keep) };
      json = JSON.stringify(p);
    }
    if (utf8(json) <= maxBytes) return json;
  }
  return null;
}

/**
 * A push Topic from a call id: at most 32 characters of the URL-safe base64 alphabet. Dashes go
 * first, so a UUID's 32 hex digits all count (a cut UUID could collide with another call's).
 */
export function topicFor(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, '').slice(0, 32);
}
