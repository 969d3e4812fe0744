import { apiKeyRoutes as contract } from '@porchlight/protocol';
import { actionMatches } from '../../identity/authorization/actions.ts';
import { siteResource } from '../../identity/authorization/resources.ts';
import { PorchlightError } from '../../errors.ts';
import type { Principal } from '../../identity/authorization/Principal.ts';
import { route } from '../Route.ts';
import { apiKeyView } from '../views.ts';

/** API keys belong to a person; keys and devices cannot mint keys. */
function accountOf(p: Principal | undefined) {
  if (p?.kind !== 'account')
    throw PorchlightError.forbidden('only a logged-in person can manage API keys');
  return p.account;
}

export const apiKeyRoutes = [
  route(contract.listApiKeys, {
    auth: 'authenticated',
    handler: async ({ principal }, ctx) =>
      (await ctx.repos.apiKeys.list(accountOf(principal).id)).map(apiKeyView),
  }),
  route(contract.createApiKey, {
    auth: 'authenticated',
    handler: async ({ principal, body, ip }, ctx) => {
      const account = accountOf(principal);
      // A key may only carry actions its owner can do somewhere (or on its site).
      for (const scope of body.scopes) {
        const ok = body.siteId
          ? ctx.authorizer.can(principal!, scope, siteResource(body.siteId)) ||
            ctx.authorizer.can(principal!, scope, `${siteResource(body.siteId)}/device/any`)
          : principal!.statements.some(
              (s) => s.effect === 'allow' && s.actions.some((a) => actionMatches(a, scope)),
            );
        if (!ok) throw PorchlightError.forbidden(`you cannot grant ${scope}`);
      }
      const r = await ctx.apiKeys.create(account.id, {
        name: body.name,
        scopes: body.scopes,
        siteId: body.siteId ?? null,
      });
      await ctx.audit.record({
        principal,
        action: 'apikey.create',
        outcome: 'success',
        ip,
        detail: { keyId: r.record.id, scopes: body.scopes },
      });
      return { key: r.key, apiKey: apiKeyView(r.record) };
    },
  }),
  route(contract.revokeApiKey, {
    auth: 'authenticated',
    handler: async ({ principal, params, ip }, ctx) => {
      const account = accountOf(principal);
      const key = await ctx.repos.apiKeys.get(params.keyId);
      if (!key || key.accountId !== account.id) throw PorchlightError.notFound('api key');
      await ctx.apiKeys.revoke(key.id);
      ctx.events.safeEmit('principalChanged', { kind: 'apikey', id: key.id });
      await ctx.audit.record({
        principal,
        action: 'apikey.revoke',
        outcome: 'success',
        ip,
        detail: { keyId: key.id },
      });
    },
  }),
];
