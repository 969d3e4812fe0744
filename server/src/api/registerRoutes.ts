import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../identity/authorization/Principal.ts';
import { PorchlightError } from '../errors.ts';
import type { ApiContext } from './ApiContext.ts';
import type { RouteDef } from './Route.ts';

/** Turns a bearer credential (access token, device token or API key) into a principal. */
export interface Authenticator {
  authenticate(bearer: string): Promise<Principal>;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  // Routes without a schema accept nothing there (an empty object or absent body).
  const s = schema ?? z.union([z.strictObject({}), z.undefined(), z.null()]);
  const r = s.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw PorchlightError.badRequest(
      `${where}${issue?.path.length ? '.' + issue.path.join('.') : ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return r.data as T;
}

function bearerOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(h);
  return m?.[1];
}

/**
 * Registers the route table: validate (params, query, body) -> authenticate -> authorize ->
 * handler. Denials are audited. One place, so no route can skip a step.
 */
export function registerRoutes(
  app: FastifyInstance,
  routes: readonly RouteDef[],
  ctx: ApiContext,
  auth: Authenticator,
): void {
  for (const def of routes) {
    app.route({
      method: def.method,
      url: def.path,
      handler: async (req, reply) => {
        const params = parse(def.params, req.params, 'params');
        const query = parse(def.query, req.query, 'query');
        const body = parse(def.body, req.body, 'body');
        let principal: Principal | undefined;
        if (def.auth !== 'public') {
          const bearer = bearerOf(req);
          if (!bearer) throw PorchlightError.unauthorized('missing bearer credential');
          principal = await auth.authenticate(bearer);
          if (def.auth !== 'authenticated') {
            const resource = def.auth.resource({ params, query, body });
            const decision = ctx.authorizer.decide(principal, def.auth.action, resource);
            if (!decision.allowed) {
              await ctx.audit.record({
                principal,
                action: def.auth.action,
                resource,
                outcome: 'denied',
                ip: req.ip,
                detail: { route: `${def.method} ${def.path}` },
              });
              throw PorchlightError.forbidden(`not allowed: ${def.auth.action}`);
            }
          }
        }
        const result = await def.handler(
          { params, query, body, principal, ip: req.ip, userAgent: req.headers['user-agent'] },
          ctx,
        );
        reply.status(def.status ?? 200);
        reply.header('cache-control', 'no-store');
        return def.status === 204 ? reply.send() : result;
      },
    });
  }
}
