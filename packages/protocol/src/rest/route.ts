import { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Where a route takes no input: an empty object, or nothing at all (a body-less DELETE). The
 * OpenAPI generator leaves such parts out.
 */
export const NoInputSchema = z.union([z.strictObject({}), z.undefined(), z.null()]);

/** The response of a 204 route: no body. */
export const NoContentSchema = z.void();

/** A binary success body (see `RestRoute.produces`): bytes on the server, a Blob in the SDK. */
export const BinarySchema = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes');

/**
 * One `/api/v1` route as both sides see it: the server validates requests and generates OpenAPI
 * from it, the SDK builds requests from it and checks answers against `response`.
 */
export interface RestRoute<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  readonly method: HttpMethod;
  /** fastify-style path, e.g. `/api/v1/sites/:siteId`. */
  readonly path: string;
  /** One line for the OpenAPI document. */
  readonly summary: string;
  /** OpenAPI tag (the resource). */
  readonly tag: string;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** Shape of the success body (NoContentSchema for 204). */
  readonly response: R;
  /** HTTP status on success. */
  readonly status: 200 | 201 | 202 | 204;
  /**
   * Media type of the request body. Default JSON; `image/jpeg` routes take the raw bytes (the
   * body schema then checks a Uint8Array).
   */
  readonly bodyType?: 'application/json' | 'image/jpeg';
  /** Media type of a binary success body (`response` is BinarySchema); JSON when absent. */
  readonly produces?: string;
}

/** Identity helper that keeps every schema's own type in the descriptor. */
export function defineRoute<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  R extends z.ZodType,
>(route: RestRoute<P, Q, B, R>): RestRoute<P, Q, B, R> {
  return route;
}

/** True when the schema is the "no input" sentinel (no parameters / no request body). */
export const takesNoInput = (schema: z.ZodType): boolean => schema === NoInputSchema;

/** What the caller sends (before defaults/coercion) and what the handler receives. */
export type ParamsIn<T extends RestRoute> = z.input<T['params']>;
export type QueryIn<T extends RestRoute> = z.input<T['query']>;
export type BodyIn<T extends RestRoute> = z.input<T['body']>;
export type ResponseOf<T extends RestRoute> = z.output<T['response']>;
