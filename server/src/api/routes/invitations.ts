import { invitationRoutes as contract } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import { siteResource } from '../../identity/authorization/resources.ts';
import { InvitationError } from '../../identity/invitations/InvitationError.ts';
import type { Invitation } from '../../store/repositories/InvitationRepository.ts';
import type { ApiContext } from '../ApiContext.ts';
import { route } from '../Route.ts';
import { grantView } from '../views.ts';
import { checkAccessToGive } from './memberChecks.ts';

const manage = {
  action: 'member:manage' as const,
  resource: ({ params }: { params: { siteId: string } }) => siteResource(params.siteId),
};

const invitationView = (ctx: ApiContext, i: Invitation) => ({
  id: i.id,
  siteId: i.siteId,
  email: i.email,
  displayName: i.displayName,
  role: i.role,
  deviceIds: i.deviceIds,
  validFrom: i.validFrom,
  validUntil: i.validUntil,
  expiresAt: i.expiresAt,
  createdAt: i.createdAt,
  createdBy: i.createdBy,
  status: ctx.invitations.statusOf(i),
  acceptedAt: i.acceptedAt,
  acceptedBy: i.acceptedBy,
});

/**
 * Looks a link up for its holder, counting unknown tokens against the client address (tokens
 * carry 256 bits; the guard keeps a flood of guesses cheap for us) and auditing refusals without
 * the token itself.
 */
async function pendingFor(ctx: ApiContext, token: string, ip: string): Promise<Invitation> {
  const key = `invitation:${ip}`;
  await ctx.guard.check(key);
  try {
    return await ctx.invitations.find(token);
  } catch (error) {
    if (error instanceof InvitationError) {
      if (error.problem === 'unknown') await ctx.guard.failed(key);
      await ctx.audit.record({
        action: 'invitation.accept',
        outcome: 'failure',
        ip,
        detail: { reason: error.problem },
      });
    }
    throw error;
  }
}

export const invitationRoutes = [
  route(contract.listInvitations, {
    auth: manage,
    handler: async ({ params }, ctx) =>
      (await ctx.repos.invitations.listForSite(params.siteId)).map((i) => invitationView(ctx, i)),
  }),
  route(contract.createInvitation, {
    auth: manage,
    handler: async ({ params, body, principal, ip }, ctx) => {
      const p = principal!;
      const deviceIds = await checkAccessToGive(ctx, p, params.siteId, body.role, body.devices);
      // The inviter named in "ask <owner> for a new one": the person behind a key, too.
      const createdBy =
        p.kind === 'device' || p.kind === 'visitor' || p.kind === 'detector' ? p.id : p.account.id;
      const { invitation, token } = await ctx.invitations.create({
        siteId: params.siteId,
        createdBy,
        email: body.email ?? null,
        displayName: body.displayName ?? null,
        role: body.role,
        deviceIds,
        validFrom: body.validFrom ?? null,
        validUntil: body.validUntil ?? null,
        ...(body.ttlSeconds !== undefined ? { ttlSeconds: body.ttlSeconds } : {}),
      });
      await ctx.audit.record({
        principal: p,
        action: 'invitation.create',
        resource: siteResource(params.siteId),
        outcome: 'success',
        ip,
        detail: {
          invitationId: invitation.id,
          role: invitation.role,
          deviceIds: invitation.deviceIds,
          expiresAt: invitation.expiresAt,
        },
      });
      return {
        invitation: invitationView(ctx, invitation),
        url: `${ctx.publicUrl()}/invite#${token}`,
        token,
      };
    },
  }),
  route(contract.revokeInvitation, {
    auth: manage,
    handler: async ({ params, principal, ip }, ctx) => {
      if (!(await ctx.invitations.revoke(params.siteId, params.invitationId)))
        throw PorchlightError.notFound('pending invitation');
      await ctx.audit.record({
        principal,
        action: 'invitation.revoke',
        resource: siteResource(params.siteId),
        outcome: 'success',
        ip,
        detail: { invitationId: params.invitationId },
      });
    },
  }),
  route(contract.previewInvitation, {
    auth: 'public',
    handler: async ({ body, ip }, ctx) => {
      const i = await pendingFor(ctx, body.token, ip);
      const site = await ctx.repos.sites.get(i.siteId);
      const names = new Map((await ctx.repos.devices.list(i.siteId)).map((d) => [d.id, d.name]));
      return {
        siteName: site?.name ?? 'a Porchlight site',
        invitedBy: await ctx.invitations.inviterName(i),
        role: i.role,
        email: i.email,
        displayName: i.displayName,
        deviceNames: i.deviceIds?.map((id) => names.get(id) ?? 'removed camera') ?? null,
        validFrom: i.validFrom,
        validUntil: i.validUntil,
        expiresAt: i.expiresAt,
      };
    },
  }),
  route(contract.acceptInvitation, {
    auth: 'public',
    handler: async ({ body, ip }, ctx) => {
      await pendingFor(ctx, body.token, ip);
      const { invitation, grant, account, session } = await ctx.invitations.acceptNew(
        body.token,
        { email: body.email, displayName: body.displayName, password: body.password },
        ip,
      );
      await ctx.audit.record({
        actor: { type: 'account', id: account.id },
        action: 'invitation.accept',
        resource: siteResource(invitation.siteId),
        outcome: 'success',
        ip,
        detail: {
          invitationId: invitation.id,
          grantId: grant.id,
          accountId: account.id,
          role: grant.role,
          newAccount: true,
        },
      });
      return session;
    },
  }),
  route(contract.acceptInvitationAsMe, {
    auth: 'authenticated',
    handler: async ({ body, principal, ip }, ctx) => {
      const p = principal!;
      // A person accepts for themselves: not a device, not a script holding one of their keys.
      if (p.kind !== 'account')
        throw PorchlightError.forbidden('log in as a person to accept an invitation');
      await pendingFor(ctx, body.token, ip);
      const { invitation, grant } = await ctx.invitations.acceptAs(body.token, p.account);
      ctx.events.safeEmit('principalChanged', { kind: 'account', id: p.account.id });
      await ctx.audit.record({
        principal: p,
        action: 'invitation.accept',
        resource: siteResource(invitation.siteId),
        outcome: 'success',
        ip,
        detail: {
          invitationId: invitation.id,
          grantId: grant.id,
          accountId: p.account.id,
          role: grant.role,
          newAccount: false,
        },
      });
      return grantView(grant);
    },
  }),
];
