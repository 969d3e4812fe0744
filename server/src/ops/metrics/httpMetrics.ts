import type { RequestDone } from '../../http/requestLog.ts';
import type { PorchlightMetrics } from './PorchlightMetrics.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Recording playback routes: `/media/:token/<kind>[.ext|/:file]`. */
const MEDIA_ROUTE = /^\/media\/:token\/([a-z]+)/;

/**
 * Counts one answered request. Labels stay bounded: the route is the registered pattern (the
 * route table and the built apps' files), unmatched URLs share one value, methods are the standard
 * ones, statuses are classes.
 */
export function observeHttp(m: PorchlightMetrics, done: RequestDone): void {
  const status = `${Math.floor(done.status / 100)}xx`;
  const method = METHODS.has(done.method) ? done.method : 'OTHER';
  m.httpRequests.inc({ method, route: done.route, status });
  m.httpDuration.observe({ status }, done.ms / 1000);
  const kind = MEDIA_ROUTE.exec(done.route)?.[1];
  if (kind === undefined) return;
  m.hlsRequests.inc({ kind, status });
  if (done.bytes !== undefined) m.hlsBytes.inc({ kind }, done.bytes);
}
