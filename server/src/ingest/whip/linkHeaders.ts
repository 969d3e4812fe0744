import type { IceServer } from '@porchlight/protocol';

/** A quoted-string (RFC 9110 5.6.4) for a Link parameter. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * `Link` header values for ICE servers (RFC 9725 4.6): one per URL, TURN ones with their
 * short-lived credentials (`credential-type="password"`).
 */
export function iceServerLinks(servers: readonly IceServer[]): string[] {
  const out: string[] = [];
  for (const s of servers) {
    const urls = Array.isArray(s.urls) ? s.urls : [s.urls];
    for (const url of urls) {
      if (!/^(stuns?|turns?):[^\s<>]+$/.test(url)) continue;
      let link = `<${url}>; rel="ice-server"`;
      if (url.startsWith('turn') && s.username !== undefined && s.credential !== undefined) {
        link += `; username=${quoted(s.username)}; credential=${quoted(s.credential)}`;
        link += '; credential-type="password"';
      }
      out.push(link);
    }
  }
  return out;
}
