import { notificationRoutes as contract, type NotificationSettings } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import { ipBucket } from '../../identity/authentication/ipBucket.ts';
import { deviceResource } from '../../identity/authorization/resources.ts';
import type { Principal } from '../../identity/authorization/Principal.ts';
import type { ApiContext } from '../ApiContext.ts';
import { route } from '../Route.ts';

/** Push subscriptions are a person's (a browser they use); devices and API keys have none. */
function accountOf(p: Principal | undefined) {
  if (p?.kind !== 'account')
    throw PorchlightError.forbidden('only a logged-in person can manage notifications');
  return p.account;
}

/**
 * Every door or camera a setting names must be one the person may watch live now: settings
 * must not become a way to learn which device ids exist in other households.
 */
async function authorizeSettings(
  principal: Principal,
  settings: NotificationSettings | undefined,
  ctx: ApiContext,
): Promise<void> {
  for (const { siteId, deviceId } of settings?.devices ?? []) {
    const device = await ctx.repos.devices.get(deviceId);
    if (
      !device ||
      device.siteId !== siteId ||
      device.revokedAt !== null ||
      !ctx.authorizer.can(principal, 'stream:view-live', deviceResource(siteId, deviceId))
    )
      throw PorchlightError.forbidden(`no access to device ${deviceId} of site ${siteId}`);
  }
}

export const notificationRoutes = [
  route(contract.getPushPublicKey, {
    auth: 'authenticated',
    handler: async ({ principal }, ctx) => {
      accountOf(principal);
      return { publicKey: ctx.notifications.publicKey() };
    },
  }),
  route(contract.listPushSubscriptions, {
    auth: 'authenticated',
    handler: async ({ principal }, ctx) => ctx.notifications.list(accountOf(principal).id),
  }),
  route(contract.createPushSubscription, {
    auth: 'authenticated',
    handler: async ({ principal, body, userAgent, ip }, ctx) => {
      const account = accountOf(principal);
      await authorizeSettings(principal!, body.settings, ctx);
      const device = await ctx.notifications.subscribe(account.id, {
        subscription: body.subscription,
        label: body.label,
        settings: body.settings,
        userAgent,
      });
      // The endpoint is a capability URL: only its push service's origin is recorded.
      await ctx.audit.record({
        principal,
        action: 'push.subscribe',
        outcome: 'success',
        ip,
        detail: { subscriptionId: device.id, label: device.label, pushService: device.pushService },
      });
      return device;
    },
  }),
  route(contract.updatePushSubscription, {
    auth: 'authenticated',
    handler: async ({ principal, params, body }, ctx) => {
      const account = accountOf(principal);
      await authorizeSettings(principal!, body.settings, ctx);
      const updated = await ctx.notifications.update(account.id, params.subscriptionId, body);
      if (!updated) throw PorchlightError.notFound('subscription');
      return updated;
    },
  }),
  route(contract.deletePushSubscription, {
    auth: 'authenticated',
    handler: async ({ principal, params, ip }, ctx) => {
      if (!(await ctx.notifications.remove(accountOf(principal).id, params.subscriptionId)))
        throw PorchlightError.notFound('subscription');
      await ctx.audit.record({
        principal,
        action: 'push.unsubscribe',
        outcome: 'success',
        ip,
        detail: { subscriptionId: params.subscriptionId },
      });
    },
  }),
  route(contract.sendTestNotification, {
    auth: 'authenticated',
    handler: async ({ principal, params }, ctx) => {
      const r = await ctx.notifications.sendTest(accountOf(principal).id, params.subscriptionId);
      if (!r) throw PorchlightError.notFound('subscription');
      return r;
    },
  }),
  // The service worker has no access token: the body's action token (HMAC, one account, one
  // call, one action, ring window) is the credential. See docs/security.md.
  route(contract.notificationAction, {
    auth: 'public',
    handler: async ({ body, ip }, ctx) => {
      await ctx.notifications.act(body.token, body.action, `notify-action:${ipBucket(ip)}`);
    },
  }),
];
