import { MAX_TIMELINE_MS, recordingRoutes as recordings } from '@porchlight/protocol';
import { deviceResource, siteResource } from '../../identity/authorization/resources.ts';
import type { Principal } from '../../identity/authorization/Principal.ts';
import { PorchlightError } from '../../errors.ts';
import type { RecordingStatus } from '../../recording/RecordingService.ts';
import { timeline } from '../../recording/playback/playlists.ts';
import type { ApiContext } from '../ApiContext.ts';
import { route } from '../Route.ts';

async function deviceOfSite(ctx: ApiContext, siteId: string, deviceId: string) {
  const device = await ctx.repos.devices.get(deviceId);
  if (!device || device.siteId !== siteId) throw PorchlightError.notFound('device');
  return device;
}

/** The device's segments overlapping [from, to) after checking the device and the range. */
async function segmentsIn(
  ctx: ApiContext,
  params: { siteId: string; deviceId: string },
  range: { from: number; to: number },
  limit: number,
  maxSpanMs = MAX_TIMELINE_MS,
) {
  await deviceOfSite(ctx, params.siteId, params.deviceId);
  if (range.to <= range.from) throw PorchlightError.badRequest('to must be after from');
  if (range.to - range.from > maxSpanMs) {
    throw PorchlightError.badRequest('range is at most 31 days');
  }
  return ctx.recordings.service.index.querySegments({
    deviceId: params.deviceId,
    from: range.from,
    to: range.to,
    limit,
  });
}

function view(name: string, s: RecordingStatus) {
  return {
    deviceId: s.deviceId,
    deviceName: name,
    mode: s.mode,
    retentionMaxAgeSeconds: s.retentionMaxAgeSeconds,
    retentionMaxBytes: s.retentionMaxBytes,
    preRollSeconds: s.preRollSeconds,
    postRollSeconds: s.postRollSeconds,
    tags: s.tags,
    recording: s.recording,
    onDemandUntil: s.onDemandUntil,
    firstTime: s.firstTime,
    lastTime: s.lastTime,
    segments: s.segments,
    storedBytes: s.storedBytes,
  };
}

async function statusView(ctx: ApiContext, siteId: string, deviceId: string) {
  const device = await deviceOfSite(ctx, siteId, deviceId);
  return view(device.name, await ctx.recordings.service.status(deviceId, siteId));
}

/** Signs a playback URL for whoever asks (accounts and API keys only; devices never play back). */
function mint(
  ctx: ApiContext,
  principal: Principal,
  o: {
    siteId: string;
    deviceId: string;
    from: number | null;
    to: number | null;
    ttl: number;
    scope?: 'snapshot';
  },
): { token: string; expiresAt: number } {
  if (principal.kind === 'device' || principal.kind === 'visitor' || principal.kind === 'detector')
    throw PorchlightError.forbidden(`${principal.kind}s cannot play back`);
  const expiresAt = ctx.now() + o.ttl * 1000;
  const token = ctx.recordings.tokens.mint({
    deviceId: o.deviceId,
    siteId: o.siteId,
    principal: { kind: principal.kind, id: principal.id },
    from: o.from,
    to: o.to,
    expiresAt,
    ...(o.scope ? { scope: o.scope } : {}),
  });
  return { token, expiresAt };
}

const viewRecording = {
  action: 'stream:view-recording' as const,
  resource: ({ params }: { params: { siteId: string; deviceId: string } }) =>
    deviceResource(params.siteId, params.deviceId),
};
const manageRecording = {
  action: 'recording:manage' as const,
  resource: ({ params }: { params: { siteId: string; deviceId: string } }) =>
    deviceResource(params.siteId, params.deviceId),
};

export const recordingRoutes = [
  route(recordings.listRecordings, {
    auth: { action: 'site:read', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params, principal }, ctx) => {
      const devices = await ctx.repos.devices.list(params.siteId);
      const visible = devices.filter((d) =>
        ctx.authorizer.can(principal!, 'stream:view-recording', deviceResource(d.siteId, d.id)),
      );
      const streams = [];
      for (const d of visible) {
        streams.push(view(d.name, await ctx.recordings.service.status(d.id, d.siteId)));
      }
      return { streams };
    },
  }),
  route(recordings.getRecordingUsage, {
    auth: { action: 'usage:read', resource: ({ params }) => siteResource(params.siteId) },
    handler: async ({ params, query }, ctx) => {
      await ctx.recordings.service.usage.flush();
      return {
        usage: await ctx.recordings.service.index.queryUsage(params.siteId, query.from, query.to),
      };
    },
  }),
  route(recordings.getRecording, {
    auth: viewRecording,
    handler: async ({ params }, ctx) => statusView(ctx, params.siteId, params.deviceId),
  }),
  route(recordings.updateRecording, {
    auth: manageRecording,
    handler: async ({ params, body, principal, ip }, ctx) => {
      const device = await deviceOfSite(ctx, params.siteId, params.deviceId);
      // Only the fields sent: an absent field keeps its setting.
      const status = await ctx.recordings.service.update(device.id, device.siteId, {
        ...(body.mode !== undefined ? { mode: body.mode } : {}),
        ...(body.retentionMaxAgeSeconds !== undefined
          ? { retentionMaxAgeSeconds: body.retentionMaxAgeSeconds }
          : {}),
        ...(body.retentionMaxBytes !== undefined
          ? { retentionMaxBytes: body.retentionMaxBytes }
          : {}),
        ...(body.preRollSeconds !== undefined ? { preRollSeconds: body.preRollSeconds } : {}),
        ...(body.postRollSeconds !== undefined ? { postRollSeconds: body.postRollSeconds } : {}),
        ...(body.tags !== undefined ? { tags: body.tags } : {}),
      });
      await ctx.audit.record({
        principal,
        action: 'recording.settings',
        resource: deviceResource(device.siteId, device.id),
        outcome: 'success',
        ip,
        detail: { ...body },
      });
      return view(device.name, status);
    },
  }),
  route(recordings.startRecording, {
    auth: manageRecording,
    handler: async ({ params, body }, ctx) => {
      const device = await deviceOfSite(ctx, params.siteId, params.deviceId);
      return view(
        device.name,
        await ctx.recordings.service.start(device.id, device.siteId, body.durationSeconds),
      );
    },
  }),
  route(recordings.stopRecording, {
    auth: manageRecording,
    handler: async ({ params }, ctx) => {
      const device = await deviceOfSite(ctx, params.siteId, params.deviceId);
      return view(device.name, await ctx.recordings.service.stop(device.id, device.siteId));
    },
  }),
  route(recordings.triggerRecording, {
    auth: {
      action: 'recording:trigger',
      resource: ({ params }) => deviceResource(params.siteId, params.deviceId),
    },
    handler: async ({ params, body }, ctx) => {
      const device = await deviceOfSite(ctx, params.siteId, params.deviceId);
      const until = await ctx.recordings.service.trigger(device.id, device.siteId, body.type);
      return { accepted: true as const, until };
    },
  }),
  route(recordings.listRecordingFragments, {
    auth: viewRecording,
    handler: async ({ params, query }, ctx) => {
      // Bounded by `limit`, so any span is fine here.
      const rows = await segmentsIn(ctx, params, query, query.limit, Infinity);
      return {
        fragments: rows.map((s) => ({
          seq: s.seq,
          runId: s.runId,
          producerTime: s.producerTime,
          ingestTime: s.ingestTime,
          durationMs: s.durationMs,
          bytes: s.bytes,
          keyframe: s.keyframe,
          tags: s.tags,
        })),
      };
    },
  }),
  route(recordings.getRecordingTimeline, {
    auth: viewRecording,
    handler: async ({ params, query }, ctx) => {
      const rows = await segmentsIn(ctx, params, query, 2_000_000);
      return timeline(rows, query.from, query.to);
    },
  }),
  route(recordings.listRecordingThumbnails, {
    auth: viewRecording,
    handler: async ({ params, query, principal }, ctx) => {
      const rows = await segmentsIn(ctx, params, query, 2_000_000);
      const { token } = mint(ctx, principal!, {
        siteId: params.siteId,
        deviceId: params.deviceId,
        from: query.from,
        to: query.to,
        ttl: ctx.recordings.playbackTtlSeconds,
        // Snapshots only: playing video needs createPlayback, which audits the view.
        scope: 'snapshot',
      });
      const bucket = (query.to - query.from) / query.count;
      const thumbnails: { at: number; url: string }[] = [];
      let next = query.from;
      for (const s of rows) {
        // The first keyframe segment start in each bucket: cheap to decode, spread evenly.
        const at = Math.max(s.producerTime, query.from);
        if (at < next || !s.keyframe) continue;
        thumbnails.push({ at, url: `/media/${token}/snapshot.jpg?at=${at}&width=160` });
        next = query.from + (Math.floor((at - query.from) / bucket) + 1) * bucket;
      }
      return { thumbnails };
    },
  }),
  route(recordings.createPlayback, {
    auth: viewRecording,
    handler: async ({ params, body, principal, ip }, ctx) => {
      await deviceOfSite(ctx, params.siteId, params.deviceId);
      const ttl = Math.min(body.ttlSeconds ?? ctx.recordings.playbackTtlSeconds, 86_400);
      const ranged = mint(ctx, principal!, {
        siteId: params.siteId,
        deviceId: params.deviceId,
        from: body.from ?? null,
        to: body.to ?? null,
        ttl,
      });
      const base = `/media/${ranged.token}`;
      await ctx.audit.record({
        principal,
        action: 'stream.view-recording',
        resource: deviceResource(params.siteId, params.deviceId),
        outcome: 'success',
        ip,
        detail: { from: body.from ?? null, to: body.to ?? null },
      });
      return {
        expiresAt: ranged.expiresAt,
        live: `${base}/live.m3u8`,
        vod: body.from !== undefined ? `${base}/vod.m3u8` : null,
        clip: body.from !== undefined ? `${base}/clip.mp4` : null,
        snapshot: `${base}/snapshot.jpg`,
      };
    },
  }),
  route(recordings.rotateRecordingKeys, {
    auth: { action: 'admin:sites', resource: () => '*' },
    handler: async ({ principal, ip }, ctx) => {
      const result = await ctx.recordings.rotateKeys();
      await ctx.audit.record({
        principal,
        action: 'recording.rotate-keys',
        resource: null,
        outcome: 'success',
        ip,
        detail: result,
      });
      return result;
    },
  }),
];
