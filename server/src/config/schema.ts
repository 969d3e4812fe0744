import net from 'node:net';
import { z } from 'zod';
import { LOG_LEVELS } from '@porchlight/runtime';
import { defaults } from './defaults.ts';

const port = z.number().int().min(0).max(65535);

/** `id:base64` entries; MasterKeyRing checks ids for duplicates and keys for their length. */
const MASTER_KEY_ENTRY = /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/_-]+={0,2}$/;
const masterKeys = z
  .string()
  .refine(
    (v) => v.trim() === '' || v.split(',').every((e) => MASTER_KEY_ENTRY.test(e.trim())),
    'expected id:base64[,id:base64...]',
  );

/** `address/bits`, IPv4 or IPv6, with a prefix length that fits the family. */
function isCidr(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  if (address === undefined || bits === undefined || extra !== undefined) return false;
  const family = net.isIP(address);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** A bare origin (`scheme://host[:port]`, no path) with one of the given schemes. */
function origin(schemes: readonly string[]) {
  return z.string().refine(
    (v) => {
      try {
        const u = new URL(v);
        return schemes.includes(u.protocol) && `${u.protocol}//${u.host}` === v;
      } catch {
        return false;
      }
    },
    `must be an origin (${schemes.join(' or ')}//host[:port], no path)`,
  );
}

/** The validated configuration. Unknown keys are rejected so typos fail loudly. */
export const ConfigSchema = z
  .strictObject({
    host: z.string().min(1).default(defaults.host),
    port: port.default(defaults.port),
    publicHost: z.string().default(defaults.publicHost),
    dataDir: z.string().min(1).default(defaults.dataDir),
    logLevel: z.enum(LOG_LEVELS).default(defaults.logLevel),
    tls: z
      .strictObject({
        certFile: z.string().default(defaults.tls.certFile),
        keyFile: z.string().default(defaults.tls.keyFile),
      })
      .default(defaults.tls),
    http: z
      .strictObject({
        hsts: z.enum(['auto', 'on', 'off']).default(defaults.http.hsts),
        connectSrc: z
          .array(origin(['https:', 'wss:']))
          .max(32)
          .default(defaults.http.connectSrc),
        corsOrigins: z
          .array(origin(['https:', 'http:']))
          .max(32)
          .default(defaults.http.corsOrigins),
      })
      .default(defaults.http),
    media: z
      .strictObject({
        numWorkers: z.number().int().min(1).max(64).default(defaults.media.numWorkers),
        listenIp: z
          .string()
          .refine((v) => net.isIP(v) !== 0, 'must be an IP address')
          .default(defaults.media.listenIp),
        announcedAddress: z.string().default(defaults.media.announcedAddress),
        rtcPort: port.default(defaults.media.rtcPort),
        workerLogLevel: z
          .enum(['debug', 'warn', 'error', 'none'])
          .default(defaults.media.workerLogLevel),
        initialOutgoingBitrate: z
          .number()
          .int()
          .min(100_000)
          .default(defaults.media.initialOutgoingBitrate),
        pipeSrtp: z.boolean().default(defaults.media.pipeSrtp),
      })
      .default(defaults.media),
    auth: z
      .strictObject({
        tokenSecret: z
          .string()
          .refine((v) => v === '' || v.length >= 32, 'must be at least 32 characters')
          .default(defaults.auth.tokenSecret),
        bootstrapCodeTtl: z
          .number()
          .int()
          .min(60)
          .max(24 * 3600)
          .default(defaults.auth.bootstrapCodeTtl),
      })
      .default(defaults.auth),
    turn: z
      .strictObject({
        enabled: z.boolean().default(defaults.turn.enabled),
        mode: z.enum(['production', 'test']).default(defaults.turn.mode),
        port: z.number().int().min(1).max(65535).default(defaults.turn.port),
        tlsPort: z.number().int().min(1).max(65535).default(defaults.turn.tlsPort),
        minPort: z.number().int().min(1024).max(65535).default(defaults.turn.minPort),
        maxPort: z.number().int().min(1024).max(65535).default(defaults.turn.maxPort),
        credentialTtl: z.number().int().min(60).max(86_400).default(defaults.turn.credentialTtl),
        externalIp: z
          .string()
          .refine((v) => v === '' || net.isIP(v) !== 0, 'must be an IP address')
          .default(defaults.turn.externalIp),
        relayFirewall: z.enum(['auto', 'on', 'off']).default(defaults.turn.relayFirewall),
      })
      .default(defaults.turn),
    database: z
      .strictObject({
        url: z
          .string()
          .refine(
            (v) => v === '' || /^(sqlite:|postgres(ql)?:\/\/)/.test(v),
            'must start with sqlite: or postgres://',
          )
          .default(defaults.database.url),
      })
      .default(defaults.database),
    cluster: z
      .strictObject({
        redisUrl: z
          .string()
          .refine(
            (v) => v === '' || /^rediss?:\/\//.test(v),
            'must start with redis:// or rediss://',
          )
          .default(defaults.cluster.redisUrl),
        nodeId: z
          .string()
          .regex(/^$|^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)')
          .default(defaults.cluster.nodeId),
        keyPrefix: z
          .string()
          .regex(/^[A-Za-z0-9_.:-]{0,64}$/, 'letters, digits, _ . : - (at most 64)')
          .default(defaults.cluster.keyPrefix),
        leaseMs: z.number().int().min(1_000).max(600_000).default(defaults.cluster.leaseMs),
        heartbeatMs: z.number().int().min(100).max(60_000).default(defaults.cluster.heartbeatMs),
        drainTimeoutMs: z
          .number()
          .int()
          .min(0)
          .max(3_600_000)
          .default(defaults.cluster.drainTimeoutMs),
        reconnectSpreadMs: z
          .number()
          .int()
          .min(0)
          .max(60_000)
          .default(defaults.cluster.reconnectSpreadMs),
      })
      .default(defaults.cluster),
    signaling: z
      .strictObject({
        joinTimeoutMs: z.number().int().min(100).default(defaults.signaling.joinTimeoutMs),
        deviceStatsIntervalMs: z
          .number()
          .int()
          .min(250)
          .default(defaults.signaling.deviceStatsIntervalMs),
        pingTimeoutMs: z.number().int().min(1000).default(defaults.signaling.pingTimeoutMs),
      })
      .default(defaults.signaling),
    whip: z
      .strictObject({
        enabled: z.boolean().default(defaults.whip.enabled),
        maxPublishersPerDevice: z
          .number()
          .int()
          .min(1)
          .max(16)
          .default(defaults.whip.maxPublishersPerDevice),
        maxViewersPerDevice: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(defaults.whip.maxViewersPerDevice),
        connectTimeoutMs: z
          .number()
          .int()
          .min(1000)
          .max(600_000)
          .default(defaults.whip.connectTimeoutMs),
      })
      .default(defaults.whip),
    usage: z
      .strictObject({
        enabled: z.boolean().default(defaults.usage.enabled),
        sampleIntervalMs: z
          .number()
          .int()
          .min(100)
          .max(3_600_000)
          .default(defaults.usage.sampleIntervalMs),
        flushIntervalMs: z
          .number()
          .int()
          .min(100)
          .max(3_600_000)
          .default(defaults.usage.flushIntervalMs),
      })
      .default(defaults.usage),
    recording: z
      .strictObject({
        enabled: z.boolean().default(defaults.recording.enabled),
        ffmpegPath: z.string().min(1).default(defaults.recording.ffmpegPath),
        snapshotConcurrency: z
          .number()
          .int()
          .min(1)
          .max(64)
          .default(defaults.recording.snapshotConcurrency),
        snapshotQueue: z.number().int().min(0).max(1000).default(defaults.recording.snapshotQueue),
        mediaRequestsPerMinute: z
          .number()
          .int()
          .min(0)
          .default(defaults.recording.mediaRequestsPerMinute),
        muxer: z.enum(['inprocess', 'ffmpeg']).default(defaults.recording.muxer),
        segmentSeconds: z.number().min(1).max(10).default(defaults.recording.segmentSeconds),
        defaultMode: z
          .enum(['off', 'continuous', 'on-demand', 'event'])
          .default(defaults.recording.defaultMode),
        defaultRetentionDays: z
          .number()
          .int()
          .min(0)
          .max(3650)
          .default(defaults.recording.defaultRetentionDays),
        defaultPreRollSeconds: z
          .number()
          .int()
          .min(5)
          .max(60)
          .default(defaults.recording.defaultPreRollSeconds),
        writeRetrySeconds: z.number().min(0).max(600).default(defaults.recording.writeRetrySeconds),
        preRollMarginSeconds: z
          .number()
          .min(0)
          .max(60)
          .default(defaults.recording.preRollMarginSeconds),
        defaultPostRollSeconds: z
          .number()
          .int()
          .min(1)
          .max(600)
          .default(defaults.recording.defaultPostRollSeconds),
        onDemandSeconds: z.number().int().min(1).default(defaults.recording.onDemandSeconds),
        storage: z.enum(['fs', 's3']).default(defaults.recording.storage),
        storageDir: z.string().default(defaults.recording.storageDir),
        s3: z
          .strictObject({
            endpoint: z.string().default(defaults.recording.s3.endpoint),
            region: z.string().min(1).default(defaults.recording.s3.region),
            bucket: z.string().default(defaults.recording.s3.bucket),
            prefix: z.string().default(defaults.recording.s3.prefix),
            accessKeyId: z.string().default(defaults.recording.s3.accessKeyId),
            secretAccessKey: z.string().default(defaults.recording.s3.secretAccessKey),
          })
          .default(defaults.recording.s3),
        masterKeyFile: z.string().default(defaults.recording.masterKeyFile),
        masterKeys: masterKeys.default(defaults.recording.masterKeys),
        minFreeBytes: z.number().int().min(0).default(defaults.recording.minFreeBytes),
        maxTotalBytes: z.number().int().min(0).default(defaults.recording.maxTotalBytes),
        retentionIntervalSeconds: z
          .number()
          .min(1)
          .default(defaults.recording.retentionIntervalSeconds),
        playbackTtlSeconds: z
          .number()
          .int()
          .min(60)
          .max(86_400)
          .default(defaults.recording.playbackTtlSeconds),
        liveWindowSegments: z
          .number()
          .int()
          .min(3)
          .max(30)
          .default(defaults.recording.liveWindowSegments),
      })
      .default(defaults.recording),
    doorbell: z
      .strictObject({
        ringWindowSeconds: z
          .number()
          .int()
          .min(10)
          .max(120)
          .default(defaults.doorbell.ringWindowSeconds),
        maxCallSeconds: z
          .number()
          .int()
          .min(10)
          .max(7200)
          .default(defaults.doorbell.maxCallSeconds),
        maxMessageSeconds: z
          .number()
          .int()
          .min(1)
          .max(120)
          .default(defaults.doorbell.maxMessageSeconds),
        historyRetentionDays: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .default(defaults.doorbell.historyRetentionDays),
        ringsPerDoor: z.number().int().min(1).max(10_000).default(defaults.doorbell.ringsPerDoor),
        ringsPerAddress: z
          .number()
          .int()
          .min(1)
          .max(10_000)
          .default(defaults.doorbell.ringsPerAddress),
        ringLimitWindowSeconds: z
          .number()
          .int()
          .min(1)
          .max(3600)
          .default(defaults.doorbell.ringLimitWindowSeconds),
        speechCommand: z
          .string()
          .regex(/^[A-Za-z0-9_./+-]{1,256}$/, 'a command name or absolute path')
          .default(defaults.doorbell.speechCommand),
        speechVoice: z
          .string()
          .regex(/^[A-Za-z0-9_+-]{1,40}$/, 'an espeak-ng voice name')
          .default(defaults.doorbell.speechVoice),
      })
      .default(defaults.doorbell),
    alarms: z
      .strictObject({
        enabled: z.boolean().default(defaults.alarms.enabled),
        tickMs: z.number().int().min(100).max(60_000).default(defaults.alarms.tickMs),
      })
      .default(defaults.alarms),
    ingest: z
      .strictObject({
        probeTimeoutMs: z
          .number()
          .int()
          .min(1000)
          .max(60_000)
          .default(defaults.ingest.probeTimeoutMs),
        stallMs: z.number().int().min(1000).max(300_000).default(defaults.ingest.stallMs),
        initialBackoffMs: z
          .number()
          .int()
          .min(100)
          .max(60_000)
          .default(defaults.ingest.initialBackoffMs),
        maxBackoffMs: z
          .number()
          .int()
          .min(100)
          .max(3_600_000)
          .default(defaults.ingest.maxBackoffMs),
        rtmp: z
          .strictObject({
            enabled: z.boolean().default(defaults.ingest.rtmp.enabled),
            port: port.default(defaults.ingest.rtmp.port),
            bindAddress: z
              .string()
              .refine((v) => net.isIP(v) !== 0, 'must be an IP address')
              .default(defaults.ingest.rtmp.bindAddress),
          })
          .default(defaults.ingest.rtmp),
      })
      .default(defaults.ingest),
    detection: z
      .strictObject({
        enabledByDefault: z.boolean().default(defaults.detection.enabledByDefault),
        host: z
          .strictObject({
            enabled: z.boolean().default(defaults.detection.host.enabled),
            chromiumPath: z
              .string()
              .regex(/^\/[A-Za-z0-9_./+-]{1,255}$/, 'an absolute path')
              .default(defaults.detection.host.chromiumPath),
            maxCameras: z.number().int().min(1).max(16).default(defaults.detection.host.maxCameras),
          })
          .default(defaults.detection.host),
      })
      .default(defaults.detection),
    push: z
      .strictObject({
        vapidSubject: z
          .string()
          .refine(
            (v) => /^(mailto:[^\s]+|https:\/\/[^\s]+)$/.test(v),
            'must be a mailto: or https: URL',
          )
          .default(defaults.push.vapidSubject),
        allowPrivateEndpoints: z.boolean().default(defaults.push.allowPrivateEndpoints),
      })
      .default(defaults.push),
    ops: z
      .strictObject({
        metricsAllowFrom: z
          .array(z.string().refine(isCidr, 'must be an address range such as 10.0.0.0/8'))
          .max(64)
          .default(defaults.ops.metricsAllowFrom),
        healthSampleIntervalMs: z
          .number()
          .int()
          .min(100)
          .max(60_000)
          .default(defaults.ops.healthSampleIntervalMs),
        healthWindowSeconds: z
          .number()
          .int()
          .min(60)
          .max(86_400)
          .default(defaults.ops.healthWindowSeconds),
      })
      .default(defaults.ops),
    audit: z
      .strictObject({
        retentionDays: z.number().int().min(0).max(36_500).default(defaults.audit.retentionDays),
      })
      .default(defaults.audit),
    webhooks: z
      .strictObject({
        allowPrivateTargets: z.boolean().default(defaults.webhooks.allowPrivateTargets),
        allowHttp: z.boolean().default(defaults.webhooks.allowHttp),
        maxAttempts: z.number().int().min(1).max(50).default(defaults.webhooks.maxAttempts),
        retryBaseMs: z.number().int().min(1).max(3_600_000).default(defaults.webhooks.retryBaseMs),
        retryMaxMs: z.number().int().min(1).max(86_400_000).default(defaults.webhooks.retryMaxMs),
        timeoutMs: z.number().int().min(100).max(60_000).default(defaults.webhooks.timeoutMs),
        concurrency: z.number().int().min(1).max(64).default(defaults.webhooks.concurrency),
        rotationGraceSeconds: z
          .number()
          .int()
          .min(0)
          .max(30 * 86_400)
          .default(defaults.webhooks.rotationGraceSeconds),
        disableAfterDeadLetters: z
          .number()
          .int()
          .min(0)
          .max(1000)
          .default(defaults.webhooks.disableAfterDeadLetters),
        keepDeliveriesDays: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .default(defaults.webhooks.keepDeliveriesDays),
      })
      .refine((w) => w.retryBaseMs <= w.retryMaxMs, 'retryBaseMs must not exceed retryMaxMs')
      .default(defaults.webhooks),
    devBootstrap: z.boolean().default(defaults.devBootstrap),
  })
  .superRefine((c, ctx) => {
    // Nodes share everything they keep: one database and one recording store for all of them.
    if (c.cluster.redisUrl !== '' && !/^postgres(ql)?:\/\//.test(c.database.url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['database', 'url'],
        message:
          'a cluster (cluster.redisUrl set) needs a postgres:// database shared by every node',
      });
    }
    if (c.cluster.redisUrl !== '' && c.recording.enabled && c.recording.storage !== 's3') {
      ctx.addIssue({
        code: 'custom',
        path: ['recording', 'storage'],
        message: 'a cluster (cluster.redisUrl set) records to shared storage: set storage to s3',
      });
    }
    if (c.turn.minPort > c.turn.maxPort) {
      ctx.addIssue({
        code: 'custom',
        path: ['turn', 'minPort'],
        message: 'minPort must not exceed maxPort',
      });
    }
    if (c.recording.storage === 's3' && c.recording.s3.bucket === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['recording', 's3', 'bucket'],
        message: 'bucket is required when storage is s3',
      });
    }
    if (c.turn.port === c.turn.tlsPort) {
      ctx.addIssue({
        code: 'custom',
        path: ['turn', 'tlsPort'],
        message: 'tlsPort must differ from port',
      });
    }
    if ((c.tls.certFile === '') !== (c.tls.keyFile === '')) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: 'certFile and keyFile must be set together',
      });
    }
    const last = c.media.rtcPort + c.media.numWorkers - 1;
    if (c.media.rtcPort !== 0 && last > 65535) {
      ctx.addIssue({
        code: 'custom',
        path: ['media', 'rtcPort'],
        message: `rtcPort + numWorkers exceeds 65535`,
      });
    }
    if (c.port !== 0 && c.media.rtcPort !== 0 && c.port >= c.media.rtcPort && c.port <= last) {
      ctx.addIssue({
        code: 'custom',
        path: ['port'],
        message: `HTTPS port ${c.port} collides with media ports ${c.media.rtcPort}-${last}`,
      });
    }
  });

export type Config = z.output<typeof ConfigSchema>;
/** What callers may pass: everything optional. */
export type ConfigInput = z.input<typeof ConfigSchema>;
