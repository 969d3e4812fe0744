// Tests talk to a server with a self-signed certificate on 127.0.0.1 only.
process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
process.emitWarning = (() => undefined) as typeof process.emitWarning;

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** One JSON request against the REST API. */
export async function api<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  o: {
    token?: string;
    body?: unknown;
    rawBody?: string | Uint8Array<ArrayBuffer>;
    contentType?: string;
  } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (o.token) headers['authorization'] = `Bearer ${o.token}`;
  if (o.body !== undefined || o.rawBody !== undefined)
    headers['content-type'] = o.contentType ?? 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(o.rawBody !== undefined
      ? { body: o.rawBody }
      : o.body !== undefined
        ? { body: JSON.stringify(o.body) }
        : {}),
  });
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body: body as T, headers: res.headers };
}
