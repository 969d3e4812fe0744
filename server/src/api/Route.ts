import { takesNoInput, type RestRoute } from '@porchlight/protocol';
import type { z } from 'zod';
import { PorchlightError } from '../errors.ts';
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
 *   validated path parameters before the body is even looked at.
 * - `visitor`: a doorbell visitor credential (call-scoped), and nothing else; the handler acts on
 *   that one call only. Every other policy refuses visitor credentials.
 * - `detector`: the server's detector host token (`pldh_`), and nothing else. Every other route
 *   refuses that token unless it sets `detectorHost: true` (the event routes of its cameras).
 */
export type RouteAuth<P> =
  | 'public'
  | 'authenticated'
  | 'visitor'
  | 'detector'
  | {
      action: Action;
      /**
       * The resource from the path parameters; may look it up (a camera's site from its id: an
       * unknown id resolves to a resource nobody but an admin holds, so it is 403, not 404).
       */
      resource: (req: { params: P }, ctx: ApiContext) => Resource | Promise<Resource>;
    };

export interface RouteRequest<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Set unless the route is public. */
  principal: Principal | undefined;
  ip: string;
  userAgent: string | undefined;
  /** Request headers (lower-case names), for routes that read cookies or CSRF headers. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Adds a `Set-Cookie` to the answer. */
  setCookie(cookie: string): void;
}

/** What the server adds to a contract route: who may call it and what it does. */
export interface RouteImpl<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  R extends z.ZodType,
> {
  auth: RouteAuth<z.output<P>>;
  /** Largest request body in bytes, where a route takes more than the server's 64 KiB. */
  bodyLimit?: number;
  /**
   * The detector host's token is accepted (then the policy still decides: its statements cover
   * only its assigned cameras). Default: refused, whatever the policy.
   */
  detectorHost?: true;
  /**
   * An account that must change its password may call it (the change itself, `me`). Default:
   * such an account is refused with PASSWORD_CHANGE_REQUIRED.
   */
  duringPasswordChange?: true;
  handler: (
    req: RouteRequest<z.output<P>, z.output<Q>, z.output<B>>,
    ctx: ApiContext,
  ) => Promise<z.output<R>>;
}

/** The raw request as fastify hands it over. */
export interface RawRequest {
  params: unknown;
  query: unknown;
  body: unknown;
  ip: string;
  userAgent: string | undefined;
  headers?: Readonly<Record<string, string | string[] | undefined>>;
  setCookie?: (cookie: string) => void;
}

/** The steps registration supplies; the route runs them in order with its own types. */
export interface RouteSteps {
  /** Bearer -> principal, or UNAUTHORIZED. */
  authenticate(options?: { duringPasswordChange?: boolean }): Promise<Principal>;
  /** Bearer (a visitor credential) -> the visitor principal, or UNAUTHORIZED. */
  authenticateVisitor(): Promise<Principal>;
  /** FORBIDDEN (and audited) unless `principal` may do `action` on `resource`. */
  authorize(principal: Principal, action: Action, resource: Resource): Promise<void>;
}

/**
 * A registered route with its schema types erased: the table, the OpenAPI generator and the tests
 * read the descriptor fields; `run` holds the typed pipeline.
 */
export interface ApiRoute extends Omit<RestRoute, 'params' | 'query' | 'body'> {
  /** Absent where the route takes no such input. */
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  auth: 'public' | 'authenticated' | 'visitor' | 'detector' | { action: Action };
  bodyLimit?: number;
  /** Whether the detector host's token may call it (besides `detector` routes). */
  detectorHost?: true;
  bodyType?: 'application/json' | 'image/jpeg';
  /** authenticate -> params -> authorize -> query, body -> handler. */
  run(raw: RawRequest, steps: RouteSteps, ctx: ApiContext): Promise<unknown>;
}

/** Whether the route takes this part of the request at all. */
const hasInput = (schema: z.ZodType): boolean => !takesNoInput(schema);

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw PorchlightError.badRequest(
      `${where}${issue?.path.length ? '.' + issue.path.join('.') : ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return r.data;
}

/**
 * Binds a contract route to its policy and handler. The handler's input is what the schemas
 * output and its result must be the contract's response type, so the compiler checks both.
 */
export function route<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  R extends z.ZodType,
>(contract: RestRoute<P, Q, B, R>, impl: RouteImpl<P, Q, B, R>): ApiRoute {
  const { auth } = impl;
  const { params: p, query: q, body: b, ...rest } = contract;
  return {
    ...rest,
    ...(hasInput(p) ? { params: p } : {}),
    ...(hasInput(q) ? { query: q } : {}),
    ...(hasInput(b) ? { body: b } : {}),
    auth: typeof auth === 'object' ? { action: auth.action } : auth,
    ...(impl.bodyLimit !== undefined ? { bodyLimit: impl.bodyLimit } : {}),
    ...(impl.detectorHost ? { detectorHost: true as const } : {}),
    run: async (raw, steps, ctx) => {
      // Credentials first: an anonymous caller learns nothing about the schema.
      const principal =
        auth === 'public'
          ? undefined
          : auth === 'visitor'
            ? await steps.authenticateVisitor()
            : await steps.authenticate(
                impl.duringPasswordChange ? { duringPasswordChange: true } : {},
              );
      if (auth === 'detector' && principal?.kind !== 'detector')
        throw PorchlightError.unauthorized('a detector host token is required');
      if (auth !== 'detector' && principal?.kind === 'detector' && !impl.detectorHost)
        throw PorchlightError.forbidden('the detector host may only report its cameras');
      const params = parse(contract.params, raw.params, 'params');
      if (typeof auth === 'object' && principal)
        await steps.authorize(principal, auth.action, await auth.resource({ params }, ctx));
      const query = parse(contract.query, raw.query, 'query');
      const body = parse(contract.body, raw.body, 'body');
      return impl.handler(
        {
          params,
          query,
          body,
          principal,
          ip: raw.ip,
          userAgent: raw.userAgent,
          headers: raw.headers ?? {},
          setCookie: raw.setCookie ?? (() => {}),
        },
        ctx,
      );
    },
  };
}
