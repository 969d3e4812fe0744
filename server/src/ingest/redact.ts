/**
 * Keeps a camera's credentials out of everything we log or answer: ffmpeg's stderr and argv name
 * the input URL, which for an RTSP camera carries `user:password@`. Each secret is replaced in its
 * plain and percent-encoded forms, and any `scheme://user:pass@` userinfo is masked whatever it is.
 */
export const REDACTED = '***';

const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi;
const KEY_PARAM = /([?&](?:key|token|sign)=)[^&\s]*/gi;

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(USERINFO, `$1${REDACTED}@`).replace(KEY_PARAM, `$1${REDACTED}`);
  for (const secret of secrets) {
    // Short secrets would mask ordinary words; URL masking above still covers them in URLs.
    if (secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)]))
      out = out.split(form).join(REDACTED);
  }
  return out;
}
