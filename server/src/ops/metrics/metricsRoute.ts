import net from 'node:net';
import type { HttpApp, HttpRequest } from '../../http/HttpServer.ts';
import type { Principal } from '../../identity/authorization/Principal.ts';
import { PorchlightError } from '../../errors.ts';
import type { PorchlightMetrics } from './PorchlightMetrics.ts';

export interface MetricsAccess {
  /** CIDR ranges that may scrape without credentials (config ops.metricsAllowFrom). */
  allowFrom: readonly string[];
  /** Bearer -> principal (API keys, access tokens), or UNAUTHORIZED. */
  authenticate: (bearer: string) => Promise<Principal>;
  /** Whether the principal holds `metrics:read`. */
  mayRead: (principal: Principal) => boolean;
}

/** A BlockList (node:net) of the allowed ranges; IPv4-mapped IPv6 callers match their IPv4 range. */
export function addressAllowList(cidrs: readonly string[]): (address: string) => boolean {
  const list = new net.BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/') as [string, string];
    const family = net.isIPv4(address) ? 'ipv4' : 'ipv6';
    list.addSubnet(address, Number(bits), family);
  }
  return (raw) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw)?.[1];
    const address = mapped ?? raw;
    if (net.isIPv4(address)) return list.check(address, 'ipv4');
    return net.isIPv6(address) && list.check(address, 'ipv6');
  };
}

function bearerOf(req: HttpRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  return /^Bearer ([\x21-\x7e]{1,4096})$/.exec(h)?.[1];
}

/**
 * `GET /metrics` (Prometheus text format): open to the configured address ranges (loopback by
 * default); anyone else presents a bearer that holds `metrics:read` (an admin's API key scoped to
 * it): none or a bad one is 401, one without the scope 403.
 */
export function registerMetricsRoute(
  app: HttpApp,
  metrics: PorchlightMetrics,
  access: MetricsAccess,
): void {
  const allowed = addressAllowList(access.allowFrom);
  app.get('/metrics', async (req, reply) => {
    if (!allowed(req.ip)) {
      const bearer = bearerOf(req);
      if (!bearer) throw PorchlightError.unauthorized('metrics need a bearer with metrics:read');
      const principal = await access.authenticate(bearer);
      if (!access.mayRead(principal)) throw PorchlightError.forbidden('not allowed: metrics:read');
    }
    const { contentType, body } = await metrics.exposition();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}
