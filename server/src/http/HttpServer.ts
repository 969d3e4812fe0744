import fs from 'node:fs';
import path from 'node:path';
import type { Http2SecureServer, Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Duplex } from 'node:stream';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RouteGenericInterface,
} from 'fastify';
import fastifyStatic from '@fastify/static';
import { PorchlightError } from '../errors.ts';
import { MissingReferenceError } from '../store/errors.ts';
import { createLogger } from '@porchlight/runtime';
import type { TlsMaterial } from './tls.ts';
import { servesAppShell } from './spaFallback.ts';
import { registerCaRoutes } from './ca/caRoutes.ts';
import { CertificateRenewal } from './ca/CertificateRenewal.ts';
import { installRequestLog, requestId, type RequestDone } from './requestLog.ts';
import { clientErrorHandler, frameworkError } from './frameworkErrors.ts';
import {
  installSecurityHeaders,
  NO_SECURITY_OPTIONS,
  type SecurityHeaderOptions,
} from './securityHeaders.ts';

const logger = createLogger('HttpServer');

/** Files of a built web app that must be revalidated on every request. */
const NO_CACHE_FILES = new Set(['sw.js', 'index.html', 'manifest.webmanifest']);
/**
 * The person detector's model and .wasm files (megabytes) sit under a versioned path
 * (`/detector/<tfjs + model version>/`, packages/detector/src/model/assets.ts): cached for a year.
 */
const IMMUTABLE_DIR = /^detector[\\/][^\\/]+[\\/][^\\/]+$/;

export interface HttpServerOptions {
  tls: TlsMaterial;
  /**
   * Reloads the certificate (renewing it when due) for a long-running server; only for our own
   * local CA's certificate. Checked every `renewIntervalMs` (default 12 h).
   */
  reloadTls?: () => TlsMaterial;
  renewIntervalMs?: number;
  /** Built web apps by URL prefix (SPA fallback to their index.html). Missing ones are skipped. */
  apps: { prefix: string; root: string }[];
  /** Told of every answered request (metrics), after its log line. */
  onRequestDone?: (done: RequestDone) => void;
  /** HSTS, extra connect-src origins and the CORS allow-list (securityHeaders.ts). */
  security?: SecurityHeaderOptions;
}

/** Source maps of the admin app are never served, even if a build produced them (finding 10). */
const ADMIN_SOURCE_MAP = /^\/admin\/.*\.map(?:\?|$)/;

/** The fastify app over HTTP/2 (TLS), HTTP/1.1 still accepted on the same port. */
export type HttpApp = FastifyInstance<Http2SecureServer, Http2ServerRequest, Http2ServerResponse>;
export type HttpRequest = FastifyRequest<RouteGenericInterface, Http2SecureServer>;
export type HttpReply = FastifyReply<RouteGenericInterface, Http2SecureServer>;

/**
 * Builds the HTTPS server (fastify). HTTP/2 (ALPN `h2`) lets a player hold several blocking
 * LL-HLS requests on one connection (HTTP/1.1 browsers open at most six per host); `allowHTTP1`
 * keeps HTTP/1.1 clients (node fetch, curl --http1.1, older players) and socket.io's WebSocket
 * upgrade, which is HTTP/1.1-only, working. socket.io attaches to `app.server`.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpApp> {
  const app = Fastify({
    http2: true,
    https: { allowHTTP1: true, cert: options.tls.cert, key: options.tls.key },
    logger: false,
    bodyLimit: 64 * 1024,
    // Signed playback tokens travel as a path segment (/media/<token>/…), ~400 characters.
    routerOptions: { maxParamLength: 1024 },
    // Request ids: the caller's sane X-Request-Id or a UUID (requestLog.ts), never trusted blindly.
    requestIdHeader: false,
    genReqId: requestId,
    frameworkErrors: (error, _req, reply) => {
      const { status, body } = frameworkError(error);
      // The option is typed generically over route generics; the reply is a plain one here.
      void (reply as unknown as HttpReply).status(status).send(body);
    },
    clientErrorHandler,
  });
  installRequestLog(app, options.onRequestDone);
  installSecurityHeaders(app, options.security ?? NO_SECURITY_OPTIONS);
  app.addHook('onRequest', async (req, reply) => {
    if (ADMIN_SOURCE_MAP.test(req.url)) await reply.status(404).send();
  });
  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof PorchlightError) {
      const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
      if (typeof retryAfter === 'number')
        reply.header('retry-after', String(Math.ceil(retryAfter)));
      return reply
        .status(error.httpStatus)
        .send({ error: { code: error.code, message: error.message } });
    }
    // A write that names a row that does not exist (a site id from the path the route did not
    // check): the client named something missing, so NOT_FOUND rather than a 500.
    if (error instanceof MissingReferenceError) {
      logger.warn('unchecked missing reference', { error: error.message });
      return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'not found' } });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply
        .status(status)
        .send({ error: { code: 'BAD_REQUEST', message: (error as Error).message } });
    }
    logger.error('unhandled HTTP error', { error });
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
  });

  // Liveness only: says nothing about the deployment, so it needs no credentials.
  app.get('/healthz', async () => ({ ok: true }));
  registerCaRoutes(app, options.tls.localCa);
  if (options.reloadTls) {
    const renewal = new CertificateRenewal({
      current: options.tls,
      reload: options.reloadTls,
      apply: (m) => app.server.setSecureContext({ cert: m.cert, key: m.key }),
      ...(options.renewIntervalMs !== undefined && { intervalMs: options.renewIntervalMs }),
    });
    app.addHook('onClose', async () => renewal.close());
  }

  closeLingeringConnections(app);

  // Built web apps, most specific prefix first; each falls back to its own index.html (SPA).
  const apps = options.apps
    .filter((a) => fs.existsSync(path.join(a.root, 'index.html')))
    .sort((x, y) => y.prefix.length - x.prefix.length);
  for (const [i, a] of apps.entries()) {
    await app.register(fastifyStatic, {
      root: a.root,
      prefix: a.prefix,
      index: ['index.html'],
      wildcard: false,
      // The service worker script and the page that registers it are checked on every load, so
      // a new build reaches the browser (the app then offers "Reload"); hashed assets may cache.
      // (Set here rather than by @fastify/static's cacheControl, which would overwrite it.)
      cacheControl: false,
      setHeaders: (res, file) => {
        const noCache = NO_CACHE_FILES.has(path.basename(file));
        const immutable = IMMUTABLE_DIR.test(path.relative(a.root, file));
        res.setHeader(
          'cache-control',
          noCache
            ? 'no-cache'
            : immutable
              ? 'public, max-age=31536000, immutable'
              : 'public, max-age=0',
        );
      },
      // Only the first registration may decorate the reply with sendFile.
      decorateReply: i === 0,
    });
  }
  for (const missing of options.apps.filter((a) => !apps.includes(a))) {
    logger.warn('web app not built; not served', { prefix: missing.prefix, root: missing.root });
  }
  app.setNotFoundHandler((req, reply) => {
    const spa = apps.find((a) => req.url.startsWith(a.prefix));
    // A recording or API URL that is gone or mistyped is a 404, not the app's page.
    if (spa && req.method === 'GET' && servesAppShell(spa.prefix, req.url)) {
      return reply.type('text/html').sendFile('index.html', spa.root);
    }
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'not found' } });
  });
  return app;
}

/** How long a closing server lets open connections finish before it cuts them. */
const CLOSE_GRACE_MS = 2_000;

/**
 * Closing waits for every open connection, and keep-alive ones (a balancer's health checks, a
 * client's pooled HTTP/1.1 sockets, HTTP/2 sessions) may never end by themselves: the process
 * then hung until its shutdown timeout. Once `close()` starts, connections still open after
 * CLOSE_GRACE_MS are destroyed.
 */
function closeLingeringConnections(app: HttpApp): void {
  const open = new Set<Duplex>();
  app.server.on('secureConnection', (socket: Duplex) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  app.addHook('preClose', (done) => {
    const timer = setTimeout(() => {
      for (const socket of open) socket.destroy();
    }, CLOSE_GRACE_MS);
    timer.unref();
    done();
  });
}
