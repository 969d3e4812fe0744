import type { z } from 'zod';
import type { Action } from '../identity/authorization/actions.ts';
import type { Principal } from '../identity/authorization/Principal.ts';
import type { Resource } from '../identity/authorization/resources.ts';
import type { ApiContext } from './ApiContext.ts';

/**
 * How a route is protected. Every route must say: the matrix test enumerates the table and fails
 * a route without a policy.
 * - `public`: no credentials (login, provisioning redeem: the body carries the secret).
 * - `authenticated`: any valid principal; the handler only touches the caller's own data.
 * - `{ action, resource }`: the Authorizer must allow `action` on the resource computed from the
 *   validated request before the handler runs.
 */
export type RouteAuth<P, Q, B> =
  | 'public'
  | 'authenticated'
  | { action: Action; resource: (req: { params: P; query: Q; body: B }) => Resource };

export interface RouteRequest<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Set unless the route is public. */
  principal: Principal | undefined;
  ip: string;
  userAgent: string | undefined;
}

export interface RouteDef<
  PS extends z.ZodType = z.ZodType,
  QS extends z.ZodType = z.ZodType,
  BS extends z.ZodType = z.ZodType,
> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** fastify path, e.g. /api/v1/sites/:siteId */
  path: string;
  summary: string;
  tag: string;
  auth: RouteAuth<z.output<PS>, z.output<QS>, z.output<BS>>;
  params?: PS;
  query?: QS;
  body?: BS;
  /** HTTP status on success (default 200). */
  status?: number;
  handler: (
    req: RouteRequest<z.output<PS>, z.output<QS>, z.output<BS>>,
    ctx: ApiContext,
  ) => Promise<unknown>;
}

/** Identity helper that keeps the schema types flowing into the handler. */
export function route<PS extends z.ZodType, QS extends z.ZodType, BS extends z.ZodType>(
  def: RouteDef<PS, QS, BS>,
): RouteDef {
  return def as unknown as RouteDef;
}
