import type {
  BodyIn,
  ParamsIn,
  QueryIn,
  ResponseOf,
  RestRoute,
  RestRoutes,
} from '@porchlight/protocol';
import {
  PROTOCOL_HEADER,
  SESSION_MODE_COOKIE,
  SESSION_MODE_HEADER,
  PROTOCOL_VERSION,
  REST_ENDPOINTS,
  type RestRouteName,
} from '@porchlight/protocol/vocabulary';
import {
  ApiError,
  isPorchlightError,
  ProtocolVersionError,
  type PorchlightErrorCode,
} from './errors.ts';
import { resolveToken, type TokenProvider } from './token.ts';

/** Options of {@link PorchlightApi}. */
export interface ApiOptions {
  /** Server origin. Default: the page's origin; required outside browsers. */
  url?: string;
  /**
   * Bearer token for authenticated routes. Called for every request; after a 401 it is called
   * once more with `{ forceRefresh: true }` and the request is retried.
   */
  getToken?: TokenProvider;
  /** Default: the global fetch. Injectable for Node and tests. */
  fetch?: typeof fetch;
  /** Unix ms. Default Date.now; injectable for tests. */
  now?: () => number;
  /**
   * Check every answer against the contract's response schema and reject one that does not
   * match (an INTERNAL ApiError). Default: on in development builds (Vite dev server, Node
   * without NODE_ENV=production), off in production builds.
   */
  validateResponses?: boolean;
}

/** An HTTP method of the REST API. */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** A query string as an object; undefined values are left out. */
export type Query = Record<string, string | number | undefined>;

/** One raw request of `PorchlightApi.request`: body, query and whether it is authenticated. */
export interface RequestSpec {
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is with its media type instead of a JSON body (snapshots: image/jpeg). */
  raw?: { type: string; data: Blob | Uint8Array };
  query?: Query;
  /** Public routes (login, provisioning) send no bearer. Default true. */
  auth?: boolean;
  /**
   * Cookie mode of the session routes (browsers): sends the `Porchlight-Session: cookie` header
   * and same-origin credentials, so the refresh token travels in its HttpOnly cookie only.
   */
  sessionCookie?: boolean;
}

/** Input of one contract route, typed by its schemas; params fill the `:name` path segments. */
export interface CallSpec<R extends RestRoute> {
  params?: ParamsIn<R>;
  query?: QueryIn<R>;
  body?: BodyIn<R>;
  /** A non-JSON body (routes whose `bodyType` is not JSON), sent instead of `body`. */
  raw?: RequestSpec['raw'];
  /** Public routes (login, provisioning) send no bearer. Default true. */
  auth?: boolean;
  /** See RequestSpec.sessionCookie. */
  sessionCookie?: boolean;
}

/** The own enumerable entries of an object input (params, query); none for anything else. */
const entriesOf = (value: unknown): [string, unknown][] =>
  typeof value === 'object' && value !== null ? Object.entries(value) : [];

/**
 * Development build? Vite replaces `import.meta.env` at build time (so a production bundle drops
 * the check); Node and test runners answer through NODE_ENV.
 */
function developmentBuild(): boolean {
  const viteEnv = (import.meta as ImportMeta & { env?: { DEV?: boolean } }).env;
  if (viteEnv !== undefined && typeof viteEnv.DEV === 'boolean') return viteEnv.DEV;
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.['NODE_ENV'] !== 'production';
}

const WIRE_CODES: ReadonlySet<string> = new Set([
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'UNKNOWN_EVENT',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
]);

/** For error bodies that are not ours (a proxy's HTML page): the code the status implies. */
function codeForStatus(status: number): PorchlightErrorCode {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 429:
      return 'RATE_LIMITED';
    case 502:
    case 503:
    case 504:
      return 'UNAVAILABLE';
    default:
      return status >= 400 && status < 500 ? 'BAD_REQUEST' : 'INTERNAL';
  }
}

/** Seconds to wait: the Retry-After header, else "… try again in N s" in the message. */
function retryAfterOf(headers: Headers, message: string): number | undefined {
  const header = headers.get('retry-after');
  if (header !== null && /^\d+$/.test(header.trim())) return Number(header.trim());
  const match = /(\d+)\s*s(?:ec(?:ond)?s?)?\b/i.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** The refusal of a 400 answer's `error.protocol`, as the named error. */
function protocolRefusal(protocol: unknown, message: string): ProtocolVersionError | undefined {
  if (typeof protocol !== 'object' || protocol === null) return undefined;
  const { client, server } = protocol as {
    client?: unknown;
    server?: { min?: unknown; max?: unknown };
  };
  if (typeof client !== 'number' || typeof server?.min !== 'number') return undefined;
  if (typeof server.max !== 'number') return undefined;
  return new ProtocolVersionError(client, { min: server.min, max: server.max }, message);
}

/**
 * Turns a non-2xx response into an ApiError carrying the server's code and message, or a
 * ProtocolVersionError when the server refused the protocol version.
 */
async function errorFrom(response: Response): Promise<ApiError | ProtocolVersionError> {
  let code = codeForStatus(response.status);
  let message = response.statusText || `HTTP ${response.status}`;
  try {
    const body: unknown = await response.json();
    const error = (
      body as { error?: { code?: unknown; message?: unknown; protocol?: unknown } } | null
    )?.error;
    const refusal = protocolRefusal(error?.protocol, String(error?.message ?? message));
    if (refusal !== undefined) return refusal;
    if (typeof error?.code === 'string' && WIRE_CODES.has(error.code))
      code = error.code as PorchlightErrorCode;
    if (typeof error?.message === 'string' && error.message) message = error.message;
  } catch {
    // Not JSON: keep what the status says.
  }
  return new ApiError(code, message, response.status, {
    retryAfterSeconds:
      code === 'RATE_LIMITED' ? retryAfterOf(response.headers, message) : undefined,
  });
}

/** `/api/v1/sites/:siteId` + `{ siteId }` -> `/sites/<siteId>` (relative to `/api/v1`). */
function pathOf(path: string, params: unknown): string {
  const values = new Map(entriesOf(params));
  const filled = path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = values.get(name);
    if (value === undefined) throw new TypeError(`${path}: missing parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  return filled.replace(/^\/api\/v1/, '');
}

let contract: Promise<RestRoutes> | undefined;

/**
 * Rejects an answer that breaks the route's response schema. The schemas (and zod) load on first
 * use, so a production bundle, which never validates, never fetches them.
 */
async function checkAnswer(name: RestRouteName, answer: unknown): Promise<void> {
  contract ??= import('@porchlight/protocol').then((m) => m.restRoutes);
  const route: RestRoute = (await contract)[name];
  if (route.status === 204) return;
  const checked = route.response.safeParse(answer);
  if (checked.success) return;
  const issue = checked.error.issues[0];
  throw new ApiError(
    'INTERNAL',
    `the answer to ${route.method} ${route.path} breaks the contract at ` +
      `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    200,
  );
}

/**
 * HTTP for the REST client: bearer tokens with one forced refresh after a 401, error mapping,
 * server clock offset, and (in development) response checks against the contract.
 */
export class ApiTransport {
  readonly url: string;
  protected readonly options: Readonly<ApiOptions>;
  readonly #getToken: TokenProvider | undefined;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #validate: boolean;
  #serverOffsetMs = 0;

  constructor(options: ApiOptions = {}) {
    const url = options.url ?? (typeof location !== 'undefined' ? location.origin : undefined);
    if (!url) throw new TypeError('PorchlightApi: `url` is required outside a browser page');
    this.url = url.replace(/\/+$/, '');
    this.options = options;
    this.#getToken = options.getToken;
    // Bound: a detached window.fetch throws "Illegal invocation" in browsers.
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#now = options.now ?? Date.now;
    this.#validate = options.validateResponses ?? developmentBuild();
  }

  /**
   * How far the server's clock is ahead of ours (ms), from the `Date` header of the last answer
   * (0 until then). Expiry times the server sends are in its time: an old phone whose clock is off
   * by minutes would otherwise think every token expired, or none.
   */
  get serverOffsetMs(): number {
    return this.#serverOffsetMs;
  }

  /** Calls one contract route by name; the answer is checked against its schema when validating. */
  protected async call<N extends RestRouteName>(
    name: N,
    spec: CallSpec<RestRoutes[N]> = {},
  ): Promise<ResponseOf<RestRoutes[N]>> {
    const { method, path } = REST_ENDPOINTS[name];
    const query: Query = {};
    for (const [key, value] of entriesOf(spec.query))
      if (value !== undefined) query[key] = String(value);
    const result = await this.request<ResponseOf<RestRoutes[N]>>(
      method,
      pathOf(path, spec.params),
      {
        ...(spec.body !== undefined ? { body: spec.body } : {}),
        ...(spec.raw !== undefined ? { raw: spec.raw } : {}),
        query,
        ...(spec.auth !== undefined ? { auth: spec.auth } : {}),
        ...(spec.sessionCookie ? { sessionCookie: true } : {}),
      },
    );
    if (this.#validate) await checkAnswer(name, result);
    return result;
  }

  /** Calls a contract route whose answer is binary (`produces`): resolves with the body as a Blob. */
  protected async callBinary<N extends RestRouteName>(
    name: N,
    spec: CallSpec<RestRoutes[N]> = {},
  ): Promise<Blob> {
    const { method, path } = REST_ENDPOINTS[name];
    const response = await this.#exchange(method, pathOf(path, spec.params), {
      ...(spec.auth !== undefined ? { auth: spec.auth } : {}),
    });
    try {
      return await response.blob();
    } catch (error) {
      throw new ApiError('NETWORK', `download interrupted (${String(error)})`, 0, { cause: error });
    }
  }

  /**
   * One call under `/api/v1`. Resolves with the JSON body (undefined for 204); rejects with an
   * ApiError. An authenticated call refused with 401 is retried once with a forced fresh token.
   */
  async request<T>(method: Method, path: string, spec: RequestSpec = {}): Promise<T> {
    const response = await this.#exchange(method, path, spec);
    if (response.status === 204) return undefined as T;
    try {
      // Trusted as T: the contract check (call) runs in development builds.
      return (await response.json()) as T;
    } catch (error) {
      // E.g. an HTML page from a proxy or an SPA fallback: not the API.
      throw new ApiError(
        'INTERNAL',
        'unexpected answer from the server (not JSON)',
        response.status,
        {
          cause: error,
        },
      );
    }
  }

  /** Sends with credentials (one retry on 401 with a fresh token); rejects unless 2xx. */
  async #exchange(method: Method, path: string, spec: RequestSpec): Promise<Response> {
    const auth = spec.auth ?? true;
    let response = await this.#send(method, path, spec, auth ? await this.#token(false) : null);
    if (response.status === 401 && auth) {
      response = await this.#send(method, path, spec, await this.#token(true));
    }
    if (!response.ok) throw await errorFrom(response);
    return response;
  }

  async #token(forceRefresh: boolean): Promise<string> {
    if (!this.#getToken) throw new ApiError('UNAUTHORIZED', 'not logged in', 401);
    try {
      return await resolveToken(this.#getToken, { forceRefresh });
    } catch (error) {
      if (isPorchlightError(error)) throw error;
      throw new ApiError('NETWORK', `could not get a token: ${String(error)}`, 0, {
        cause: error,
      });
    }
  }

  async #send(
    method: Method,
    path: string,
    spec: RequestSpec,
    token: string | null,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
    };
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    if (spec.sessionCookie) headers[SESSION_MODE_HEADER] = SESSION_MODE_COOKIE;
    let body: string | Blob | Uint8Array<ArrayBuffer> | undefined;
    if (spec.raw !== undefined) {
      headers['content-type'] = spec.raw.type;
      // A copy into a fresh ArrayBuffer: fetch takes no view of a SharedArrayBuffer.
      body = spec.raw.data instanceof Blob ? spec.raw.data : new Uint8Array(spec.raw.data);
    } else if (spec.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(spec.body);
    }
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {}))
      if (value !== undefined) search.set(key, String(value));
    const qs = search.toString();
    const sentAt = this.#now();
    let response: Response;
    try {
      response = await this.#fetch(`${this.url}/api/v1${path}${qs ? `?${qs}` : ''}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        // Credentials travel in the Authorization header; the only cookie is the refresh token's,
        // sent on the session routes in cookie mode.
        credentials: spec.sessionCookie ? 'same-origin' : 'omit',
        cache: 'no-store',
      });
    } catch (error) {
      throw new ApiError('NETWORK', `cannot reach the server (${String(error)})`, 0, {
        cause: error,
      });
    }
    const serverDate = Date.parse(response.headers.get('date') ?? '');
    // The header has whole seconds; against the request's midpoint that is close enough for
    // renewing a minute early.
    if (!Number.isNaN(serverDate)) this.#serverOffsetMs = serverDate - (sentAt + this.#now()) / 2;
    return response;
  }
}
