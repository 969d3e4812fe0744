import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Http2SecureServer, Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '@porchlight/runtime';

const logger = createLogger('HttpServer:request');

/** An incoming `X-Request-Id` is kept when it looks like an id, never when it could smuggle text. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** One answered request, as the log line and the metrics see it. */
export interface RequestDone {
  id: string;
  method: string;
  /** The route pattern (`/media/:token/seg/:file`), never the URL; `unmatched` for 404s. */
  route: string;
  status: number;
  ms: number;
  /** Content-Length of the answer, when it had one. */
  bytes: number | undefined;
}

/** Fastify's `genReqId`: the caller's sane `X-Request-Id`, else a new UUID. */
export function requestId(req: IncomingMessage | Http2ServerRequest): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * One info line per answered request: id, method, route pattern, status, milliseconds. Only the
 * pattern is logged, so path tokens (signed media URLs), query strings, cookies and the
 * Authorization header never reach the log. The id goes back as `X-Request-Id`.
 */
export function installRequestLog(
  app: FastifyInstance<Http2SecureServer, Http2ServerRequest, Http2ServerResponse>,
  onDone?: (done: RequestDone) => void,
): void {
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    const length = Number(reply.getHeader('content-length'));
    const done: RequestDone = {
      id: req.id,
      method: req.method,
      route: req.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      bytes: Number.isFinite(length) ? length : undefined,
    };
    logger.info('request', {
      reqId: done.id,
      method: done.method,
      route: done.route,
      status: done.status,
      ms: done.ms,
    });
    onDone?.(done);
  });
}
