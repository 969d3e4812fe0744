import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { WEBHOOK_LIMITS } from '@porchlight/protocol';
import { isBlockedAddress, isLocalName, targetHost } from './targetGuard.ts';

/** Every address a host name resolves to (tests: a fake DNS). */
export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (host) =>
  dns.promises.lookup(host, { all: true, verbatim: true });

export interface SenderOptions {
  /** Refuse loopback/private/link-local targets unless true (`webhooks.allowPrivateTargets`). */
  allowPrivateTargets: boolean;
  /** Accept http:// URLs (`webhooks.allowHttp`, tests and development only). */
  allowHttp: boolean;
  /** One attempt's limit, connect to last byte (ms). */
  timeoutMs: number;
  resolve?: Resolver;
  /** Extra trusted CA certificates (tests: the local receiver's self-signed certificate). */
  ca?: string | Buffer | undefined;
}

export interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
  latencyMs: number;
}

/** A target refused before any connection (scheme or address). */
export class TargetRefusedError extends Error {
  override readonly name = 'TargetRefusedError';
}

/**
 * Sends one delivery attempt. The host name is resolved once, every address is checked, and the
 * connection is pinned to the checked address (the request's `lookup` answers it, so a DNS
 * answer that changes between check and connect — rebinding — cannot move the request). TLS is
 * verified against the URL's host name. Redirects are not followed (a 3xx is a failure).
 */
export class WebhookSender {
  readonly #o: SenderOptions;
  readonly #resolve: Resolver;

  constructor(o: SenderOptions) {
    this.#o = o;
    this.#resolve = o.resolve ?? systemResolver;
  }

  /** Checks a URL as registration does: scheme, and a literal address or local name. */
  checkUrl(url: string): void {
    const u = new URL(url);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && this.#o.allowHttp))
      throw new TargetRefusedError('only https:// URLs are allowed');
    if (this.#o.allowPrivateTargets) return;
    const host = targetHost(url);
    if (isLocalName(host)) throw new TargetRefusedError(`${host} is a local name`);
    if (net.isIP(host) !== 0 && isBlockedAddress(host))
      throw new TargetRefusedError(`${host} is a private, loopback or reserved address`);
  }

  /** Resolves the URL's host and returns the address to pin, or throws TargetRefusedError. */
  async pick(url: string): Promise<{ address: string; family: number }> {
    this.checkUrl(url);
    const host = targetHost(url);
    const kind = net.isIP(host);
    if (kind !== 0) return { address: host, family: kind };
    let addresses: { address: string; family: number }[];
    try {
      addresses = await this.#resolve(host);
    } catch {
      throw new TargetRefusedError(`${host} does not resolve`);
    }
    if (addresses.length === 0) throw new TargetRefusedError(`${host} does not resolve`);
    if (!this.#o.allowPrivateTargets) {
      const bad = addresses.find((a) => isBlockedAddress(a.address));
      if (bad)
        throw new TargetRefusedError(`${host} resolves to a private address (${bad.address})`);
    }
    return addresses[0]!;
  }

  /** One POST; never throws (the result says what happened). */
  async send(
    url: string,
    headers: Record<string, string>,
    body: string,
    signal?: AbortSignal,
  ): Promise<AttemptResult> {
    const started = performance.now();
    const done = (r: Omit<AttemptResult, 'latencyMs'>): AttemptResult => ({
      ...r,
      latencyMs: Math.round(performance.now() - started),
    });
    let pinned: { address: string; family: number };
    try {
      pinned = await this.pick(url);
    } catch (error) {
      const message =
        error instanceof TargetRefusedError ? `refused: ${error.message}` : 'bad target';
      return done({ statusCode: null, error: message, responseExcerpt: null });
    }
    return new Promise<AttemptResult>((resolve) => {
      const u = new URL(url);
      const lookup: net.LookupFunction = (_host, options, callback) => {
        if (options.all) callback(null, [pinned]);
        else callback(null, pinned.address, pinned.family);
      };
      const lib = u.protocol === 'https:' ? https : http;
      const req = lib.request(
        u,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': Buffer.byteLength(body).toString() },
          lookup,
          agent: false,
          timeout: this.#o.timeoutMs,
          ...(signal ? { signal } : {}),
          ...(this.#o.ca !== undefined && u.protocol === 'https:' ? { ca: this.#o.ca } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on('data', (c: Buffer) => {
            if (kept < WEBHOOK_LIMITS.responseExcerpt) {
              chunks.push(c.subarray(0, WEBHOOK_LIMITS.responseExcerpt - kept));
              kept += Math.min(c.length, WEBHOOK_LIMITS.responseExcerpt - kept);
            }
            // Only the excerpt matters: stop reading a large answer.
            if (kept >= WEBHOOK_LIMITS.responseExcerpt) res.destroy();
          });
          const finish = () => {
            clearTimeout(overall);
            const status = res.statusCode ?? null;
            const excerpt = Buffer.concat(chunks).toString('utf8') || null;
            const ok = status !== null && status >= 200 && status < 300;
            resolve(
              done({
                statusCode: status,
                error: ok
                  ? null
                  : status !== null && status >= 300 && status < 400
                    ? `HTTP ${status} (redirects are not followed)`
                    : `HTTP ${status}`,
                responseExcerpt: excerpt,
              }),
            );
          };
          res.on('end', finish);
          res.on('close', finish);
          res.on('error', () => undefined);
        },
      );
      // The socket timeout is per inactivity; this bounds the whole attempt.
      const overall = setTimeout(() => req.destroy(new Error('timeout')), this.#o.timeoutMs);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(overall);
        resolve(done({ statusCode: null, error: describe(e), responseExcerpt: null }));
      });
      req.end(body);
    });
  }
}

function describe(e: NodeJS.ErrnoException): string {
  if (e.message === 'timeout') return 'timeout';
  if (e.name === 'AbortError') return 'aborted (server stopping)';
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code?.startsWith('ERR_TLS') || e.code?.includes('CERT') || e.code === 'EPROTO')
    return `TLS error (${e.code})`;
  return `connection failed (${e.code ?? e.message})`;
}
