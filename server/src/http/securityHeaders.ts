import type { HttpApp } from './HttpServer.ts';

/** What the security headers depend on (config `http.*`, docs/security.md "HTTP headers"). */
export interface SecurityHeaderOptions {
  /** Strict-Transport-Security: only with a certificate browsers trust (not the local CA's). */
  hsts: boolean;
  /** Origins other than the server's own that the apps may connect to (fetch, WebSocket). */
  connectSrc: readonly string[];
  /** Origins of integrators' web apps allowed to call the API cross-origin. Empty: none. */
  corsOrigins: readonly string[];
}

export const NO_SECURITY_OPTIONS: SecurityHeaderOptions = {
  hsts: false,
  connectSrc: [],
  corsOrigins: [],
};

/**
 * The Content-Security-Policy of a response. Scripts only from our origin, never inline;
 * 'wasm-unsafe-eval' only for the home app, whose person detector runs TensorFlow.js on WASM (the
 * admin app and API answers do without). connect-src names our own origin ('self' matches its
 * wss: too) and the configured extra origins, never a whole scheme.
 */
export function contentSecurityPolicy(url: string, connectSrc: readonly string[]): string {
  const admin = url === '/admin' || url.startsWith('/admin/');
  const script = admin ? "'self'" : "'self' 'wasm-unsafe-eval'";
  return [
    "default-src 'self'",
    `script-src ${script}`,
    // React sets style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "worker-src 'self'",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const CORS_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const CORS_HEADERS = 'authorization, content-type, x-request-id, porchlight-protocol';

/**
 * Security headers on every response, and CORS for the configured origins only: any other
 * origin gets no Access-Control-* header, so browsers keep their same-origin rule. Integrators
 * authenticate with bearer tokens or API keys, never cookies, so credentials are not allowed.
 */
export function installSecurityHeaders(app: HttpApp, o: SecurityHeaderOptions): void {
  const allowed = new Set(o.corsOrigins);
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !allowed.has(origin)) return;
    reply.header('access-control-allow-origin', origin);
    reply.header('vary', 'Origin');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      reply
        .header('access-control-allow-methods', CORS_METHODS)
        .header('access-control-allow-headers', CORS_HEADERS)
        .header('access-control-max-age', '600');
      await reply.status(204).send();
    }
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('content-security-policy', contentSecurityPolicy(req.url, o.connectSrc));
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('permissions-policy', 'camera=(self), microphone=(self)');
    if (o.hsts) reply.header('strict-transport-security', 'max-age=31536000');
  });
}
