import {
  createECDH,
  createPublicKey,
  randomBytes,
  randomUUID,
  verify,
  type ECDH,
} from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { ensureTestCert } from './tlsFixture.ts';

/** The part of `http_ece` (a CommonJS package without types) the receiver uses. */
const ece = createRequire(import.meta.url)('http_ece') as {
  decrypt(
    buffer: Buffer,
    params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: string },
  ): Buffer;
};

/** What the receiver answers a push for an endpoint. */
export type ReceiverMode = 201 | 404 | 410 | 429 | 500;

/** A subscription fabricated like a browser does: its own ECDH P-256 key pair and auth secret. */
export interface FakeBrowser {
  id: string;
  /** `PushSubscription.toJSON()` of this browser. */
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  mode: ReceiverMode;
}

/** One message as the push service saw it, decrypted and with its VAPID claims checked. */
export interface ReceivedPush {
  browserId: string;
  at: number;
  /** performance.now() when the message was accepted (same clock as the test's own). */
  atHr: number;
  status: ReceiverMode;
  ttl: number;
  urgency: string | undefined;
  topic: string | undefined;
  /** Encrypted body size in bytes. */
  bodyBytes: number;
  /** The decrypted payload as text, and parsed. */
  text: string;
  json: unknown;
  vapid: { aud: string; exp: number; sub: string; publicKey: string };
}

interface Browser extends FakeBrowser {
  ecdh: ECDH;
  auth: string;
}

/**
 * A local HTTPS push service: it accepts RFC 8030 pushes for fabricated subscriptions, checks the
 * VAPID JWT (ES256 with the `k` key, `aud` = this origin, `exp` within 24 h, `sub` present),
 * decrypts the aes128gcm body with the subscription's private key, and answers 201 (or what the
 * test asked: 404, 410, 429, 500). Anything malformed is answered 400 and recorded as an error.
 */
export class PushReceiver {
  readonly #server: https.Server;
  readonly #browsers = new Map<string, Browser>();
  readonly received: ReceivedPush[] = [];
  readonly errors: string[] = [];
  readonly #waiters = new Set<() => void>();
  /** Trusts the receiver's certificate: the sender under test gets this. */
  readonly agent: https.Agent;
  origin = '';

  private constructor(server: https.Server, agent: https.Agent) {
    this.#server = server;
    this.agent = agent;
  }

  static async start(): Promise<PushReceiver> {
    const cert = ensureTestCert();
    const pem = fs.readFileSync(cert.certFile);
    const server = https.createServer({ cert: pem, key: fs.readFileSync(cert.keyFile) });
    const receiver = new PushReceiver(
      server,
      new https.Agent({ ca: pem, keepAlive: true, maxSockets: 32 }),
    );
    server.on('request', (req, res) => receiver.#handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver.origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return receiver;
  }

  /** A new browser subscription whose endpoint is on this receiver. */
  browser(mode: ReceiverMode = 201): FakeBrowser {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16).toString('base64url');
    const id = randomUUID();
    const b: Browser = {
      id,
      ecdh,
      auth,
      mode,
      subscription: {
        endpoint: `${this.origin}/push/${id}`,
        keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth },
      },
    };
    this.#browsers.set(id, b);
    return b;
  }

  setMode(browserId: string, mode: ReceiverMode): void {
    this.#browsers.get(browserId)!.mode = mode;
  }

  /** Messages received for one browser, oldest first. */
  for(browserId: string): ReceivedPush[] {
    return this.received.filter((m) => m.browserId === browserId);
  }

  /** Resolves once `predicate` holds (checked on every message), or rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`push receiver: condition not met in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const id = /^\/push\/([0-9a-f-]{36})$/.exec(req.url ?? '')?.[1];
        const browser = id ? this.#browsers.get(id) : undefined;
        if (req.method !== 'POST' || !browser) throw new Error(`unknown endpoint ${req.url}`);
        const body = Buffer.concat(chunks);
        const vapid = this.#checkVapid(header(req, 'authorization'));
        if (header(req, 'content-encoding') !== 'aes128gcm')
          throw new Error('content-encoding must be aes128gcm');
        const ttl = Number(header(req, 'ttl'));
        if (!Number.isInteger(ttl) || ttl < 0) throw new Error('TTL header missing or invalid');
        const text = ece
          .decrypt(body, {
            version: 'aes128gcm',
            privateKey: browser.ecdh,
            authSecret: browser.auth,
          })
          .toString('utf8');
        this.received.push({
          browserId: browser.id,
          at: Date.now(),
          atHr: performance.now(),
          status: browser.mode,
          ttl,
          urgency: header(req, 'urgency'),
          topic: header(req, 'topic'),
          bodyBytes: body.length,
          text,
          json: JSON.parse(text) as unknown,
          vapid,
        });
        res.statusCode = browser.mode;
        if (browser.mode === 429) res.setHeader('Retry-After', '60');
        res.end();
      } catch (error) {
        this.errors.push((error as Error).message);
        res.statusCode = 400;
        res.end((error as Error).message);
      }
      for (const w of [...this.#waiters]) w();
    });
  }

  /** `vapid t=<jwt>, k=<key>`: ES256 over the JWT with `k`, and the claims a push service checks. */
  #checkVapid(authorization: string | undefined): ReceivedPush['vapid'] {
    const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    if (!m) throw new Error('Authorization is not "vapid t=..., k=..."');
    const [jwt, k] = [m[1]!, m[2]!];
    const [h, p, s] = jwt.split('.');
    if (!h || !p || !s) throw new Error('malformed JWT');
    const headerJson = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
    if (headerJson.alg !== 'ES256') throw new Error(`JWT alg ${headerJson.alg}`);
    const point = Buffer.from(k, 'base64url');
    if (point.length !== 65 || point[0] !== 4)
      throw new Error('k is not an uncompressed P-256 key');
    const key = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
      },
      format: 'jwk',
    });
    const ok = verify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(s, 'base64url'),
    );
    if (!ok) throw new Error('VAPID signature does not verify');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as {
      aud?: string;
      exp?: number;
      sub?: string;
    };
    const now = Date.now() / 1000;
    if (claims.aud !== this.origin) throw new Error(`aud ${claims.aud} is not ${this.origin}`);
    if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp > now + 24 * 3600)
      throw new Error(`exp ${claims.exp} is not within 24 h`);
    if (!claims.sub) throw new Error('sub missing');
    return { aud: claims.aud, exp: claims.exp, sub: claims.sub, publicKey: k };
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
