import { callRoutes as contract, type CallView } from '@porchlight/protocol';
import { ipBucket } from '../../identity/authentication/ipBucket.ts';
import type { Principal } from '../../identity/authorization/Principal.ts';
import { deviceResource } from '../../identity/authorization/resources.ts';
import { PorchlightError } from '../../errors.ts';
import { SnapshotStore } from '../../doorbell/SnapshotStore.ts';
import type { ApiContext } from '../ApiContext.ts';
import { route } from '../Route.ts';

/**
 * The call (live or ended) if `principal` is a person who may answer its door; FORBIDDEN (audited)
 * otherwise. Call ids are random UUIDs: an unknown one is NOT_FOUND.
 */
async function answerable(
  ctx: ApiContext,
  principal: Principal | undefined,
  callId: string,
  ip: string,
): Promise<{ view: CallView; person: { accountId: string; name: string } }> {
  const view = await ctx.doorbell.calls.find(callId);
  if (!view) throw PorchlightError.notFound('call');
  const resource = deviceResource(view.siteId, view.doorId);
  if (principal?.kind !== 'account' || !ctx.authorizer.can(principal, 'call:answer', resource)) {
    await ctx.audit.record({ principal, action: 'call:answer', resource, outcome: 'denied', ip });
    throw PorchlightError.forbidden('not allowed: call:answer');
  }
  return { view, person: { accountId: principal.id, name: principal.account.displayName } };
}

/** Bad door links count as failures of the address: guessing is locked out like codes are. */
async function doorOf(ctx: ApiContext, doorToken: string, ip: string) {
  const key = `door-token:${ipBucket(ip)}`;
  await ctx.guard.check(key);
  return ctx.doorbell.doors.resolveToken(doorToken).catch(async (error: unknown) => {
    await ctx.guard.failed(key);
    throw error;
  });
}

function visitorScope(p: Principal | undefined): { callId: string } {
  if (p?.kind !== 'visitor') throw PorchlightError.unauthorized('visitor credential required');
  return p.call;
}

/** Doorbell calls: the visitor's side (door token / visitor credential) and the homeowners'. */
export const callRoutes = [
  route(contract.getDoorByToken, {
    auth: 'public',
    handler: async ({ body, ip }, ctx) => {
      const d = await doorOf(ctx, body.doorToken, ip);
      const view = ctx.doorbell.doors.view(d);
      return {
        doorName: view.displayName,
        available: !view.dndActive,
        unavailableReason: view.dndActive ? 'The household does not take calls right now.' : null,
        ringWindowSeconds: view.ringWindowSeconds,
      };
    },
  }),
  route(contract.ringDoor, {
    auth: 'public',
    handler: async ({ body, ip }, ctx) => {
      const d = await doorOf(ctx, body.doorToken, ip);
      const call = await ctx.doorbell.calls.ring(d, 'link', ipBucket(ip));
      return ctx.doorbell.visitorSession(call);
    },
  }),
  route(contract.ringOwnDoor, {
    auth: {
      action: 'call:ring',
      resource: ({ params }) => deviceResource(params.siteId, params.doorId),
    },
    handler: async ({ params }, ctx) => {
      const d = await ctx.doorbell.doors.get(params.siteId, params.doorId);
      const call = await ctx.doorbell.calls.ring(d, 'doorbell', null);
      return ctx.doorbell.visitorSession(call);
    },
  }),
  route(contract.getVisitorCall, {
    auth: 'visitor',
    handler: async ({ principal }, ctx) => {
      const view = await ctx.doorbell.calls.visitorFind(visitorScope(principal).callId);
      if (!view) throw PorchlightError.notFound('call');
      return view;
    },
  }),
  route(contract.uploadCallSnapshot, {
    auth: 'visitor',
    // The JPEG in base64 (4/3 of MAX_SNAPSHOT_BYTES) plus the JSON around it.
    bodyLimit: 300 * 1024,
    handler: async ({ principal, body }, ctx) => {
      const jpeg = SnapshotStore.decodeJpeg(body.jpeg);
      const snapshotUrl = await ctx.doorbell.calls.snapshot(visitorScope(principal).callId, jpeg);
      return { snapshotUrl };
    },
  }),
  route(contract.visitorHangUp, {
    auth: 'visitor',
    handler: async ({ principal }, ctx) => {
      return ctx.doorbell.calls.visitorHangUp(visitorScope(principal).callId);
    },
  }),
  route(contract.startVisitorMessage, {
    auth: 'visitor',
    handler: ({ principal }, ctx) =>
      ctx.doorbell.calls.startMessage(visitorScope(principal).callId),
  }),
  route(contract.stopVisitorMessage, {
    auth: 'visitor',
    handler: ({ principal }, ctx) => ctx.doorbell.calls.stopMessage(visitorScope(principal).callId),
  }),
  route(contract.getReplySpeech, {
    auth: 'visitor',
    handler: async ({ principal, params }, ctx) => {
      // Only a reply sent in the credential's own call: an id of another call is NOT_FOUND.
      const text = await ctx.doorbell.calls.replyText(
        visitorScope(principal).callId,
        params.replyId,
      );
      return ctx.doorbell.speech.render(text);
    },
  }),
  route(contract.listCalls, {
    auth: {
      action: 'call:answer',
      resource: ({ params }) => deviceResource(params.siteId, params.doorId),
    },
    handler: async ({ params, query, principal }, ctx) => {
      await ctx.doorbell.doors.get(params.siteId, params.doorId);
      const door = deviceResource(params.siteId, params.doorId);
      // Messages are recordings of the door: signed only for those who may watch them.
      const p = principal!;
      const mayWatch =
        (p.kind === 'account' || p.kind === 'apikey') &&
        ctx.authorizer.can(p, 'stream:view-recording', door);
      const r = ctx.recordings;
      const messageUrl = (m: { stream: string; from: number; to: number }): string | null =>
        mayWatch
          ? `${ctx.publicUrl()}/media/${r.tokens.mint({
              deviceId: m.stream,
              siteId: params.siteId,
              principal: { kind: p.kind === 'apikey' ? 'apikey' : 'account', id: p.id },
              from: m.from,
              to: m.to,
              expiresAt: ctx.now() + r.playbackTtlSeconds * 1000,
            })}/vod.m3u8`
          : null;
      const rows = await ctx.doorbell.history.listForDoor(params.doorId, {
        ...(query.before !== undefined ? { before: query.before } : {}),
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      return {
        calls: page.map((row) => ctx.doorbell.calls.recordOf(row, messageUrl)),
        nextBefore: rows.length > query.limit ? page[page.length - 1]!.startedAt : null,
      };
    },
  }),
  route(contract.listActiveCalls, {
    auth: 'authenticated',
    handler: async ({ principal }, ctx) => {
      const p = principal!;
      if (p.kind !== 'account') return [];
      return (await ctx.doorbell.calls.liveViews()).filter((c) =>
        ctx.authorizer.can(p, 'call:answer', deviceResource(c.siteId, c.doorId)),
      );
    },
  }),
  route(contract.getCall, {
    auth: 'authenticated',
    handler: async ({ params, principal, ip }, ctx) =>
      (await answerable(ctx, principal, params.callId, ip)).view,
  }),
  route(contract.answerCall, {
    auth: 'authenticated',
    handler: async ({ params, body, principal, ip }, ctx) => {
      const { view, person } = await answerable(ctx, principal, params.callId, ip);
      const answered = await ctx.doorbell.calls.answer(params.callId, {
        ...person,
        deviceLabel: body.deviceLabel,
      });
      await ctx.audit.record({
        principal,
        action: 'call.answer',
        resource: deviceResource(view.siteId, view.doorId),
        outcome: 'success',
        ip,
        detail: { callId: params.callId },
      });
      return answered;
    },
  }),
  route(contract.declineCall, {
    auth: 'authenticated',
    handler: async ({ params, principal, ip }, ctx) => {
      const { person } = await answerable(ctx, principal, params.callId, ip);
      return ctx.doorbell.calls.decline(params.callId, person.accountId);
    },
  }),
  route(contract.hangUpCall, {
    auth: 'authenticated',
    handler: async ({ params, principal, ip }, ctx) => {
      const { person } = await answerable(ctx, principal, params.callId, ip);
      return ctx.doorbell.calls.hangUp(params.callId, person.accountId);
    },
  }),
  route(contract.sendQuickReply, {
    auth: 'authenticated',
    handler: async ({ params, body, principal, ip }, ctx) => {
      const { person } = await answerable(ctx, principal, params.callId, ip);
      return ctx.doorbell.calls.quickReply(params.callId, person.accountId, body.text);
    },
  }),
  route(contract.unlockDoor, {
    auth: 'authenticated',
    handler: async ({ params, principal, ip }, ctx) => {
      const { view, person } = await answerable(ctx, principal, params.callId, ip);
      const result = await ctx.doorbell.calls.unlock(params.callId, person);
      await ctx.audit.record({
        principal,
        action: 'door.unlock',
        resource: deviceResource(view.siteId, view.doorId),
        outcome: result.ok ? 'success' : 'failure',
        ip,
        detail: { callId: params.callId, status: result.status, error: result.error },
      });
      return result;
    },
  }),
];
