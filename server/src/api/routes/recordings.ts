import { z } from 'zod';
import { deviceResource, siteResource } from '../../identity/authorization/resources.ts';
import type { Principal } from '../../identity/authorization/Principal.ts';
import { PorchlightError } from '../../errors.ts';
import { RECORDING_MODES } from '../../recording/types.ts';
import type { RecordingStatus } from '../../recording/RecordingService.ts';
import { timeline } from '../../recording/playback/playlists.ts';
import type { ApiContext } from '../ApiContext.ts';
import { route } from '../Route.ts';
import { DeviceParams, Empty, SiteParams } from '../schemas.ts';

const MAX_TIMELINE_MS = 31 * 86_400_000;
const Time = z.coerce.number().int().min(0).max(8_640_000_000_000);
const Range = z
  .strictObject({ from: Time, to: Time })
  .refine((r) => r.to > r.from, 'to must be after from')
  .refine((r) => r.to - r.from <= MAX_TIMELINE_MS, 'range is at most 31 days');
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const Tag = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case letters, digits and -');

const SettingsPatch = z
  .strictObject({
    mode: z.enum(RECORDING_MODES as [string, ...string[]]),
    retentionMaxAgeSeconds: z
      .number()
      .int()
      .min(60)
      .max(3650 * 86_400)
      .nullable(),
    retentionMaxBytes: z.number().int().min(1_000_000).nullable(),
    preRollSeconds: z.number().int().min(5).max(60),
    postRollSeconds: z.number().int().min(1).max(600),
    tags: z
      .record(Tag, z.string().max(128))
      .refine((t) => Object.keys(t).length <= 32, 'at most 32 tags'),
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');

async function deviceOfSite(ctx: ApiContext, siteId: string, deviceId: string) {
  const device = await ctx.store.getDevice(deviceId);
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
  o: { siteId: string; deviceId: string; from: number | null; to: number | null; ttl: number },
): { token: string; expiresAt: number } {
  if (principal.kind === 'device') throw PorchlightError.forbidden('devices cannot play back');
  const expiresAt = ctx.now() + o.ttl * 1000;
  const token = ctx.recordings.tokens.mint({
    deviceId: o.deviceId,
    siteId: o.siteId,
    principal: { kind: principal.kind, id: principal.id },
    from: o.from,
    to: o.to,
    expiresAt,
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
  route({
    method: 'GET',
    path: '/api/v1/sites/:siteId/recordings',
    summary: "Recording streams of the site's devices the caller may watch recordings of.",
    tag: 'recordings',
    auth: { action: 'site:read', resource: ({ params }) => siteResource(params.siteId) },
    params: SiteParams,
    query: Empty,
    handler: async ({ params, principal }, ctx) => {
      const devices = await ctx.store.listDevices(params.siteId);
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
  route({
    method: 'GET',
    path: '/api/v1/sites/:siteId/recordings/usage',
    summary: 'Recording usage per device and day: bytes ingested, served, stored byte-seconds.',
    tag: 'recordings',
    auth: { action: 'usage:read', resource: ({ params }) => siteResource(params.siteId) },
    params: SiteParams,
    query: z.strictObject({ from: Day, to: Day }),
    handler: async ({ params, query }, ctx) => {
      await ctx.recordings.service.usage.flush();
      return {
        usage: await ctx.recordings.service.index.queryUsage(params.siteId, query.from, query.to),
      };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording',
    summary: "A device's recording settings, state and stored totals.",
    tag: 'recordings',
    auth: viewRecording,
    params: DeviceParams,
    query: Empty,
    handler: async ({ params }, ctx) => statusView(ctx, params.siteId, params.deviceId),
  }),
  route({
    method: 'PATCH',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording',
    summary: 'Change mode, retention (applied at once to what is stored), pre/post-roll and tags.',
    tag: 'recordings',
    auth: manageRecording,
    params: DeviceParams,
    body: SettingsPatch,
    handler: async ({ params, body, principal, ip }, ctx) => {
      const device = await deviceOfSite(ctx, params.siteId, params.deviceId);
      const status = await ctx.recordings.service.update(device.id, device.siteId, body as never);
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
  route({
    method: 'POST',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording/start',
    summary: 'Start on-demand recording (mode on-demand) for a while or until stopped.',
    tag: 'recordings',
    auth: manageRecording,
    params: DeviceParams,
    body: z.strictObject({ durationSeconds: z.number().int().min(5).max(86_400).optional() }),
    handler: async ({ params, body }, ctx) => {
      const device = await deviceOfSite(ctx, params.siteId, params.deviceId);
      return view(
        device.name,
        await ctx.recordings.service.start(device.id, device.siteId, body.durationSeconds),
      );
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording/stop',
    summary: 'Stop on-demand recording.',
    tag: 'recordings',
    auth: manageRecording,
    params: DeviceParams,
    body: Empty,
    handler: async ({ params }, ctx) => {
      const device = await deviceOfSite(ctx, params.siteId, params.deviceId);
      return view(device.name, await ctx.recordings.service.stop(device.id, device.siteId));
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording/events',
    summary: 'Raise an event (person, doorbell, manual): event mode persists pre-roll + post-roll.',
    tag: 'recordings',
    auth: {
      action: 'recording:trigger',
      resource: ({ params }) => deviceResource(params.siteId, params.deviceId),
    },
    params: DeviceParams,
    body: z.strictObject({ type: Tag }),
    status: 202,
    handler: async ({ params, body }, ctx) => {
      const device = await deviceOfSite(ctx, params.siteId, params.deviceId);
      const until = await ctx.recordings.service.trigger(device.id, device.siteId, body.type);
      return { accepted: true, until };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording/fragments',
    summary: 'Indexed segments overlapping [from, to) in camera time (unix ms).',
    tag: 'recordings',
    auth: viewRecording,
    params: DeviceParams,
    query: z.strictObject({
      from: Time,
      to: Time,
      limit: z.coerce.number().int().min(1).max(10_000).default(1000),
    }),
    handler: async ({ params, query }, ctx) => {
      // Bounded by `limit`, so any span is fine here.
      const rows = await segmentsIn(ctx, params, query, query.limit, Infinity);
      return {
        fragments: rows.map((s) => ({
          seq: s.seq,
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
  route({
    method: 'GET',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording/timeline',
    summary: 'Recorded ranges and gaps inside [from, to] (at most 31 days).',
    tag: 'recordings',
    auth: viewRecording,
    params: DeviceParams,
    query: Range,
    handler: async ({ params, query }, ctx) => {
      const rows = await segmentsIn(ctx, params, query, 2_000_000);
      return timeline(rows, query.from, query.to);
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording/thumbnails',
    summary: 'Signed thumbnail URLs spread over [from, to], one per recorded bucket.',
    tag: 'recordings',
    auth: viewRecording,
    params: DeviceParams,
    query: z.strictObject({
      from: Time,
      to: Time,
      count: z.coerce.number().int().min(1).max(60).default(12),
    }),
    handler: async ({ params, query, principal }, ctx) => {
      const rows = await segmentsIn(ctx, params, query, 2_000_000);
      const { token } = mint(ctx, principal!, {
        siteId: params.siteId,
        deviceId: params.deviceId,
        from: query.from,
        to: query.to,
        ttl: ctx.recordings.playbackTtlSeconds,
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
  route({
    method: 'POST',
    path: '/api/v1/sites/:siteId/devices/:deviceId/recording/playback',
    summary:
      'Signed, expiring URLs: live and on-demand HLS playlists, MP4 clip and JPEG snapshots.',
    tag: 'recordings',
    auth: viewRecording,
    params: DeviceParams,
    body: z
      .strictObject({
        from: z.number().int().min(0).optional(),
        to: z.number().int().min(0).optional(),
        ttlSeconds: z.number().int().min(10).max(86_400).optional(),
      })
      .refine((b) => (b.from === undefined) === (b.to === undefined), 'from and to go together')
      .refine((b) => b.from === undefined || b.to! > b.from, 'to must be after from'),
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
  route({
    method: 'POST',
    path: '/api/v1/admin/recording-keys/rotate',
    summary:
      'Rotate encryption at rest: a new data key per stream, every data key re-wrapped under the current master key.',
    tag: 'admin',
    auth: { action: 'admin:sites', resource: () => '*' },
    body: Empty,
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
