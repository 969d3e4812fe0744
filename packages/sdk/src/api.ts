import type {
  Account,
  AccountPatch,
  ApiKey,
  AuditEvent,
  AuditQuery,
  Device,
  DeviceToken,
  GrantWithAccount,
  Me,
  NewAccount,
  NewApiKey,
  NewGrant,
  NewProvisioningCode,
  ProvisioningCode,
  PlaybackRequest,
  ProvisionResult,
  RecordingFragment,
  RecordingFragmentQuery,
  RecordingPatch,
  RecordingPlayback,
  RecordingStreamView,
  RecordingThumbnail,
  RecordingThumbnailQuery,
  RecordingTimeline,
  Session,
  Site,
  TimeRange,
} from './api-types.ts';
import { ApiError, isPorchlightError, type PorchlightErrorCode } from './errors.ts';
import { resolveToken, type TokenProvider } from './token.ts';

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
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | undefined>;

interface RequestSpec {
  body?: unknown;
  query?: Query;
  /** Public routes (login, provisioning) send no bearer. Default true. */
  auth?: boolean;
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

/** Turns a non-2xx response into an ApiError carrying the server's code and message. */
async function errorFrom(response: Response): Promise<ApiError> {
  let code = codeForStatus(response.status);
  let message = response.statusText || `HTTP ${response.status}`;
  try {
    const body: unknown = await response.json();
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
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

const enc = encodeURIComponent;

const recordingPath = (siteId: string, deviceId: string): string =>
  `/sites/${enc(siteId)}/devices/${enc(deviceId)}/recording`;

/**
 * A still of the recording at `at` (unix ms) from a playback's `snapshot` URL, optionally scaled
 * to `width` px.
 */
export function snapshotUrl(snapshot: string, at: number, width?: number): string {
  const params = new URLSearchParams({ at: String(Math.round(at)) });
  if (width !== undefined) params.set('width', String(Math.round(width)));
  return `${snapshot}${snapshot.includes('?') ? '&' : '?'}${params.toString()}`;
}

/**
 * Typed client of the REST API (`/api/v1`). Framework-free; errors are {@link ApiError}s with the
 * server's code (`UNAUTHORIZED`, `FORBIDDEN`, `RATE_LIMITED`…) and the HTTP status.
 */
export class PorchlightApi {
  readonly url: string;
  readonly #getToken: TokenProvider | undefined;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  #serverOffsetMs = 0;

  constructor(options: ApiOptions = {}) {
    const url = options.url ?? (typeof location !== 'undefined' ? location.origin : undefined);
    if (!url) throw new TypeError('PorchlightApi: `url` is required outside a browser page');
    this.url = url.replace(/\/+$/, '');
    this.#getToken = options.getToken;
    // Bound: a detached window.fetch throws "Illegal invocation" in browsers.
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#now = options.now ?? Date.now;
  }

  /**
   * How far the server's clock is ahead of ours (ms), from the `Date` header of the last answer
   * (0 until then). Expiry times the server sends are in its time: an old phone whose clock is off
   * by minutes would otherwise think every token expired, or none.
   */
  get serverOffsetMs(): number {
    return this.#serverOffsetMs;
  }

  /** The same server with another token source (e.g. a SessionManager's). */
  withToken(getToken: TokenProvider): PorchlightApi {
    return new PorchlightApi({ url: this.url, getToken, fetch: this.#fetch, now: this.#now });
  }

  // ---- auth ------------------------------------------------------------------------------

  login(email: string, password: string): Promise<Session> {
    return this.request('POST', '/auth/login', { body: { email, password }, auth: false });
  }

  refresh(refreshToken: string): Promise<Session> {
    return this.request('POST', '/auth/refresh', { body: { refreshToken }, auth: false });
  }

  logout(refreshToken: string): Promise<void> {
    return this.request('POST', '/auth/logout', { body: { refreshToken }, auth: false });
  }

  me(): Promise<Me> {
    return this.request('GET', '/me');
  }

  // ---- devices (as the device) -----------------------------------------------------------

  /** Redeems a one-time provisioning code for this device's long-lived credential. */
  provision(code: string, firmware?: string): Promise<ProvisionResult> {
    const body = firmware !== undefined ? { code, firmware } : { code };
    return this.request('POST', '/provision', { body, auth: false });
  }

  /** Exchanges a device credential for a short-lived device token. */
  deviceToken(credential: string): Promise<DeviceToken> {
    return this.request('POST', '/devices/token', { body: { credential }, auth: false });
  }

  // ---- sites -----------------------------------------------------------------------------

  listSites(): Promise<Site[]> {
    return this.request('GET', '/sites');
  }

  getSite(siteId: string): Promise<Site> {
    return this.request('GET', `/sites/${enc(siteId)}`);
  }

  /** Admin. The owner account, if given, gets an owner grant. */
  createSite(site: { name: string; ownerAccountId?: string }): Promise<Site> {
    return this.request('POST', '/sites', { body: site });
  }

  renameSite(siteId: string, name: string): Promise<Site> {
    return this.request('PATCH', `/sites/${enc(siteId)}`, { body: { name } });
  }

  deleteSite(siteId: string): Promise<void> {
    return this.request('DELETE', `/sites/${enc(siteId)}`);
  }

  listAudit(siteId: string, query: AuditQuery = {}): Promise<AuditEvent[]> {
    return this.request('GET', `/sites/${enc(siteId)}/audit`, { query: { ...query } });
  }

  // ---- people ----------------------------------------------------------------------------

  listGrants(siteId: string): Promise<GrantWithAccount[]> {
    return this.request('GET', `/sites/${enc(siteId)}/grants`);
  }

  createGrant(siteId: string, grant: NewGrant): Promise<GrantWithAccount> {
    return this.request('POST', `/sites/${enc(siteId)}/grants`, { body: grant });
  }

  revokeGrant(siteId: string, grantId: string): Promise<void> {
    return this.request('DELETE', `/sites/${enc(siteId)}/grants/${enc(grantId)}`);
  }

  // ---- devices (as their owner) ----------------------------------------------------------

  listDevices(siteId: string): Promise<Device[]> {
    return this.request('GET', `/sites/${enc(siteId)}/devices`);
  }

  createProvisioningCode(siteId: string, code: NewProvisioningCode): Promise<ProvisioningCode> {
    return this.request('POST', `/sites/${enc(siteId)}/provisioning-codes`, { body: code });
  }

  renameDevice(siteId: string, deviceId: string, name: string): Promise<Device> {
    return this.request('PATCH', `/sites/${enc(siteId)}/devices/${enc(deviceId)}`, {
      body: { name },
    });
  }

  /** The old credential stops working at once; the new one is returned this one time. */
  rotateDevice(siteId: string, deviceId: string): Promise<{ credential: string }> {
    return this.request('POST', `/sites/${enc(siteId)}/devices/${enc(deviceId)}/rotate`, {
      body: {},
    });
  }

  removeDevice(siteId: string, deviceId: string): Promise<void> {
    return this.request('DELETE', `/sites/${enc(siteId)}/devices/${enc(deviceId)}`);
  }

  // ---- recording -------------------------------------------------------------------------

  /** Every device's recording stream on the site (those the caller may see). */
  async listRecordings(siteId: string): Promise<RecordingStreamView[]> {
    const { streams } = await this.request<{ streams: RecordingStreamView[] }>(
      'GET',
      `/sites/${enc(siteId)}/recordings`,
    );
    return streams;
  }

  getRecording(siteId: string, deviceId: string): Promise<RecordingStreamView> {
    return this.request('GET', recordingPath(siteId, deviceId));
  }

  /** Owners only (FORBIDDEN otherwise). */
  updateRecording(
    siteId: string,
    deviceId: string,
    patch: RecordingPatch,
  ): Promise<RecordingStreamView> {
    return this.request('PATCH', recordingPath(siteId, deviceId), { body: patch });
  }

  /** On-demand mode: records until stopRecording, or for `durationSeconds` when given. */
  startRecording(
    siteId: string,
    deviceId: string,
    options: { durationSeconds?: number } = {},
  ): Promise<RecordingStreamView> {
    return this.request('POST', `${recordingPath(siteId, deviceId)}/start`, {
      body: { ...options },
    });
  }

  stopRecording(siteId: string, deviceId: string): Promise<RecordingStreamView> {
    return this.request('POST', `${recordingPath(siteId, deviceId)}/stop`, { body: {} });
  }

  /** Recorded ranges (merged) and the gaps between them inside [from, to]. */
  getRecordingTimeline(
    siteId: string,
    deviceId: string,
    window: TimeRange,
  ): Promise<RecordingTimeline> {
    return this.request('GET', `${recordingPath(siteId, deviceId)}/timeline`, {
      query: { from: window.from, to: window.to },
    });
  }

  /** Stored segments overlapping [from, to), oldest first. */
  async listRecordingFragments(
    siteId: string,
    deviceId: string,
    query: RecordingFragmentQuery,
  ): Promise<RecordingFragment[]> {
    const { fragments } = await this.request<{ fragments: RecordingFragment[] }>(
      'GET',
      `${recordingPath(siteId, deviceId)}/fragments`,
      { query: { ...query } },
    );
    return fragments;
  }

  /** Thumbnails spread over [from, to]; their URLs are signed and expire. */
  async listRecordingThumbnails(
    siteId: string,
    deviceId: string,
    query: RecordingThumbnailQuery,
  ): Promise<RecordingThumbnail[]> {
    const { thumbnails } = await this.request<{ thumbnails: RecordingThumbnail[] }>(
      'GET',
      `${recordingPath(siteId, deviceId)}/thumbnails`,
      { query: { ...query } },
    );
    return thumbnails;
  }

  /**
   * Signed URLs to play the recording: the live playlist always, the on-demand playlist and the
   * MP4 clip of [from, to] when both are given.
   */
  createPlayback(
    siteId: string,
    deviceId: string,
    request: PlaybackRequest = {},
  ): Promise<RecordingPlayback> {
    return this.request('POST', `${recordingPath(siteId, deviceId)}/playback`, {
      body: { ...request },
    });
  }

  // ---- API keys --------------------------------------------------------------------------

  listApiKeys(): Promise<ApiKey[]> {
    return this.request('GET', '/api-keys');
  }

  createApiKey(key: NewApiKey): Promise<{ key: string; apiKey: ApiKey }> {
    return this.request('POST', '/api-keys', { body: key });
  }

  revokeApiKey(keyId: string): Promise<void> {
    return this.request('DELETE', `/api-keys/${enc(keyId)}`);
  }

  // ---- admin -----------------------------------------------------------------------------

  listAccounts(): Promise<Account[]> {
    return this.request('GET', '/admin/accounts');
  }

  createAccount(account: NewAccount): Promise<Account> {
    return this.request('POST', '/admin/accounts', { body: account });
  }

  updateAccount(accountId: string, patch: AccountPatch): Promise<Account> {
    return this.request('PATCH', `/admin/accounts/${enc(accountId)}`, { body: patch });
  }

  listAllSites(): Promise<Site[]> {
    return this.request('GET', '/admin/sites');
  }

  // ---- transport -------------------------------------------------------------------------

  /**
   * One call under `/api/v1`. Resolves with the JSON body (undefined for 204); rejects with an
   * ApiError. An authenticated call refused with 401 is retried once with a forced fresh token.
   */
  async request<T>(method: Method, path: string, spec: RequestSpec = {}): Promise<T> {
    const auth = spec.auth ?? true;
    let response = await this.#send(method, path, spec, auth ? await this.#token(false) : null);
    if (response.status === 401 && auth) {
      response = await this.#send(method, path, spec, await this.#token(true));
    }
    if (!response.ok) throw await errorFrom(response);
    if (response.status === 204) return undefined as T;
    try {
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
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    let body: string | undefined;
    if (spec.body !== undefined) {
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
        // Credentials travel in the Authorization header only; no cookies either way.
        credentials: 'omit',
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
