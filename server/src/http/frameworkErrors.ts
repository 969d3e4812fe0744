import http from 'node:http';
import type { Socket } from 'node:net';

/**
 * Errors fastify and Node answer before any route runs (a path parameter over `maxParamLength`,
 * a malformed URL, headers over Node's limit) get the same `{ error: { code, message } }` body as
 * every other error; fastify's defaults answered them in their own shape without a code (found by
 * the REST fuzz, docs/reliability.md).
 */
export function frameworkError(error: Error & { statusCode?: number }): {
  status: number;
  body: { error: { code: 'BAD_REQUEST'; message: string } };
} {
  const s = error.statusCode;
  const status = s !== undefined && s >= 400 && s < 500 ? s : 400;
  return { status, body: { error: { code: 'BAD_REQUEST', message: 'malformed request URL' } } };
}

/** Node's client errors (HTTP/1.1 parse failures): a coded JSON answer, then the socket closes. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 408
        : 400;
  const reason = http.STATUS_CODES[status] ?? 'Bad Request';
  const body = JSON.stringify({ error: { code: 'BAD_REQUEST', message: reason } });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy();
}
