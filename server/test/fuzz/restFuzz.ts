/**
 * REST fuzz: every route of the REST contract with valid and mutated path parameters, query
 * strings and bodies (JSON, raw bytes, wrong content types), with an owner's, an admin's and bad
 * tokens. The caller asserts no 5xx but deliberate 503s, JSON errors with a code, no stack traces.
 */
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { restRoutes, type RestRoute } from '@porchlight/protocol';
import type { TestServer } from '../../../tests/support/testServer.ts';
import { hostileString, mixed } from './zodArbitrary.ts';
import '../../../tests/support/http.ts';

export interface RestFuzzOptions {
  seed: number;
  requests: number;
  concurrency: number;
}

export interface RestFuzzResult {
  requests: number;
  durationMs: number;
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  /** Error bodies by code. */
  codes: Record<string, number>;
  /** 5xx other than 503, non-JSON errors, errors without a code, stack traces, timeouts. */
  bugs: { route: string; request: string; status: number; body: string }[];
  unhandled: string[];
}

interface Case {
  name: string;
  params: unknown;
  query: unknown;
  body: unknown;
  auth: number;
  bodyMode: number;
  rawPath: boolean;
}

const routeNames = Object.keys(restRoutes) as (keyof typeof restRoutes)[];

function caseArb(name: keyof typeof restRoutes): fc.Arbitrary<Case> {
  const r = restRoutes[name] as RestRoute;
  return fc.record({
    name: fc.constant<string>(name),
    params: mixed(r.params),
    query: mixed(r.query),
    body: mixed(r.body),
    auth: fc.nat({ max: 9 }),
    bodyMode: fc.nat({ max: 19 }),
    rawPath: fc.nat({ max: 9 }).map((n) => n === 0),
  });
}

/** Lone surrogates become U+FFFD (encodeURIComponent throws on them). */
const wellFormed = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined ? '' : (JSON.stringify(v) ?? String(v));

function pathOf(route: RestRoute, params: unknown, raw: boolean): string {
  const p = (params && typeof params === 'object' ? params : {}) as Record<string, unknown>;
  return route.path.replace(/:([A-Za-z]+)/g, (_, k: string) => {
    const v = text(p[k] ?? 'x').slice(0, 2000);
    // Mostly encoded; sometimes raw (dot segments, '%', '?', '#' reach the router as they are).
    return raw ? v.replace(/[\s/]/g, '') || 'x' : encodeURIComponent(wellFormed(v));
  });
}

function queryOf(query: unknown): string {
  if (!query || typeof query !== 'object' || Array.isArray(query))
    return query ? `?${encodeURIComponent(wellFormed(text(query)))}` : '';
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) v.forEach((x) => qs.append(k, text(x)));
    else qs.append(k, text(v).slice(0, 4000));
  }
  const s = qs.toString();
  return s ? `?${s}` : '';
}

const STACK = /\n\s+at .+:\d+:\d+|node_modules|\/src\/.*\.ts/;

export async function runRestFuzz(ts: TestServer, o: RestFuzzOptions): Promise<RestFuzzResult> {
  const unhandled: string[] = [];
  const onUnhandled = (e: unknown): void => void unhandled.push(String((e as Error)?.stack ?? e));
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  try {
    const owner = await ts.mint('viewer');
    const adminId = await ts.createPerson({
      email: `admin-${o.seed}@fuzz.test`,
      password: 'fuzz-password-1234',
      isAdmin: true,
    });
    const admin = (await ts.server.identity.accessTokens.issueAccount(adminId)).token;
    const expired = await ts.mint('viewer', { expiredSecondsAgo: 60 });
    const camera = await ts.mint('camera');
    const badTokens = [
      undefined,
      'garbage',
      expired,
      `${owner.slice(0, -4)}AAAA`, // tampered signature
      'x'.repeat(20_000),
    ];
    const statuses: Record<string, number> = {};
    const codes: Record<string, number> = {};
    const bugs: RestFuzzResult['bugs'] = [];
    let next = 0;
    const started = Date.now();

    const one = async (c: Case, index: number): Promise<void> => {
      const route = restRoutes[c.name as keyof typeof restRoutes] as RestRoute;
      const token =
        c.auth < 4
          ? owner
          : c.auth < 6
            ? admin
            : c.auth < 7
              ? camera
              : badTokens[(c.auth + index) % badTokens.length];
      const headers: Record<string, string> = {};
      if (token) headers['authorization'] = `Bearer ${token}`;
      let body: string | Uint8Array<ArrayBuffer> | undefined;
      const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
      if (hasBody || c.bodyMode === 19) {
        if (route.bodyType === 'image/jpeg' || c.bodyMode === 0) {
          headers['content-type'] = c.bodyMode % 2 ? 'image/jpeg' : 'application/octet-stream';
          const jpeg = Buffer.concat([
            Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
            randomBytes(index % 4096),
          ]);
          body = new Uint8Array(c.bodyMode < 10 ? jpeg : randomBytes(index % 512));
        } else if (c.bodyMode === 1) {
          headers['content-type'] = 'application/json';
          body = '{"a":'.repeat(index % 5000); // truncated, deeply nested JSON
        } else if (c.bodyMode === 2) {
          headers['content-type'] = 'text/plain';
          body = text(c.body);
        } else if (c.bodyMode === 3) {
          headers['content-type'] = 'application/json';
          body = fc.sample(hostileString, { numRuns: 1, seed: index })[0];
        } else if (c.body !== undefined) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(c.body);
        }
      }
      const url = `${ts.url}${pathOf(route, c.params, c.rawPath)}${queryOf(c.query)}`;
      const request = `${route.method} ${url.slice(ts.url.length, ts.url.length + 300)} ${text(body).slice(0, 300)}`;
      let status = 0;
      let resText = '';
      let type = '';
      try {
        const res = await fetch(url, {
          method: route.method,
          headers,
          body: body ?? null,
          signal: AbortSignal.timeout(20_000),
        });
        status = res.status;
        type = res.headers.get('content-type') ?? '';
        resText = await res.text();
      } catch (e) {
        // A URL or header the client itself refuses never reaches the server.
        if ((e as Error).name !== 'TimeoutError') {
          statuses['refusedByClient'] = (statuses['refusedByClient'] ?? 0) + 1;
          return;
        }
        bugs.push({ route: c.name, request, status: 0, body: String(e).slice(0, 300) });
        return;
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      let bug = (status >= 500 && status !== 503) || STACK.test(resText);
      if (status >= 400) {
        let code: unknown;
        try {
          code = (JSON.parse(resText) as { error?: { code?: unknown } }).error?.code;
        } catch {
          code = undefined;
        }
        if (typeof code === 'string') codes[code] = (codes[code] ?? 0) + 1;
        else bug = true;
        if (!type.includes('application/json')) bug = true;
      }
      if (bug) bugs.push({ route: c.name, request, status, body: resText.slice(0, 300) });
    };

    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= o.requests) return;
        const name = routeNames[i % routeNames.length]!;
        const [c] = fc.sample(caseArb(name), { numRuns: 1, seed: o.seed + i * 31 });
        await one(c!, i);
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, () => worker()));
    return {
      requests: Math.min(next, o.requests),
      durationMs: Date.now() - started,
      statuses,
      codes,
      bugs,
      unhandled,
    };
  } finally {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  }
}
