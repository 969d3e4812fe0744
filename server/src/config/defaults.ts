import os from 'node:os';
import path from 'node:path';
import type { LogLevel } from '@porchlight/runtime';

/** Every option with its default. Docs: docs/configuration.md. */
export const defaults = {
  /** Interface the HTTPS + socket.io server listens on. */
  host: '0.0.0.0',
  /** HTTPS port. 0 picks a free port (tests). */
  port: 8443,
  /** Host name or IP printed in links and used by browsers; default: first LAN IPv4, else localhost. */
  publicHost: '',
  /** Directory for the database, secrets, generated TLS cert and recordings. */
  dataDir: path.resolve(process.cwd(), '.data'),
  /** Threshold of every server log line (JSON lines; pretty on a terminal). */
  logLevel: 'info' as LogLevel,
  tls: {
    /** PEM certificate chain; when unset a self-signed cert is generated in dataDir/tls. */
    certFile: '',
    /** PEM private key; required when certFile is set. */
    keyFile: '',
  },
  http: {
    /**
     * Strict-Transport-Security. 'auto': only with a configured (trusted) tls.certFile; never for
     * the local CA's certificate, whose trust a device may lose (docs/security.md "HTTP headers").
     */
    hsts: 'auto' as 'auto' | 'on' | 'off',
    /** Extra origins the apps may connect to (CSP connect-src); the server's own is always in. */
    connectSrc: [] as string[],
    /** Origins of integrators' web apps allowed to call the API from a browser (CORS). None. */
    corsOrigins: [] as string[],
  },
  media: {
    /** mediasoup workers; default one per core. */
    numWorkers: os.cpus().length,
    /** IP the WebRtcServer binds. */
    listenIp: '0.0.0.0',
    /** IP or host name put in ICE candidates; default: publicHost if it is an IP, else first LAN IPv4. */
    announcedAddress: '',
    /** First media port: worker i listens on rtcPort + i over both UDP and TCP. 0 = ephemeral (tests). */
    rtcPort: 40000,
    /** mediasoup worker log level. */
    workerLogLevel: 'warn' as 'debug' | 'warn' | 'error' | 'none',
    /** Initial available outgoing bitrate per transport (bps). */
    initialOutgoingBitrate: 1_000_000,
    /**
     * SRTP on pipe transports between cluster nodes (media of a camera on one node watched on
     * another). On by default: node links may cross networks the operator does not own.
     */
    pipeSrtp: true,
  },
  auth: {
    /** HMAC secret for tokens (>= 32 chars); default: generated once into dataDir/secrets. */
    tokenSecret: '',
    /** Lifetime of the camera provisioning code printed by the dev bootstrap (seconds). */
    bootstrapCodeTtl: 24 * 3600,
  },
  turn: {
    /** Run and supervise coturn (STUN/TURN) so media connects from any network. */
    enabled: true,
    /** 'production' denies relaying to private/loopback peers (except the SFU); 'test' allows loopback. */
    mode: 'production' as 'production' | 'test',
    /** STUN/TURN over UDP and TCP. */
    port: 3478,
    /** TURN over TLS (turns:), with the server's certificate. */
    tlsPort: 5349,
    /** Relay port range: each allocation holds one port, so this bounds concurrent relays. */
    minPort: 49160,
    maxPort: 49200,
    /** Lifetime of minted TURN credentials (seconds); clients refresh them before expiry. */
    credentialTtl: 600,
    /** Public IP coturn advertises behind NAT ('' = none). */
    externalIp: '',
    /**
     * nftables table that lets relays reach this host only on the SFU's ports (coturn permits
     * whole addresses; docs/security.md "TURN peer policy"). 'auto': in production mode when
     * running as root with a fixed media.rtcPort, else a warning; 'on': refuse to start without it.
     */
    relayFirewall: 'auto' as 'auto' | 'on' | 'off',
  },
  database: {
    /** `sqlite:<file>` or `postgres://...`; default: SQLite file dataDir/porchlight.db. */
    url: '',
  },
  /** Several nodes behind one hostname (docs/deployment.md). Off unless redisUrl is set. */
  cluster: {
    /**
     * redis:// or rediss:// URL of the cluster's Redis: socket.io events, leases, rate limits and
     * the node directory. '' = a single box (SQLite or PostgreSQL, files or S3, no Redis).
     */
    redisUrl: '',
    /** This node's id, unique in the cluster; default: host name + HTTPS port. */
    nodeId: '',
    /** Prefix of every Redis key and channel, so deployments can share one Redis. */
    keyPrefix: 'porchlight:',
    /** Lease lifetime (ms): exclusive work of a dead node moves to another within this. */
    leaseMs: 10_000,
    /** Node heartbeat (ms); a node missing ~3 beats is down and its sites are re-placed. */
    heartbeatMs: 1_000,
    /**
     * Drain (SIGTERM or the admin action): the longest a node waits for its sockets to move to
     * other nodes before it closes the rest and exits. Keep it under the service manager's stop
     * timeout (systemd TimeoutStopSec, 90 s by default).
     */
    drainTimeoutMs: 30_000,
    /**
     * Clients told to reconnect elsewhere wait a random delay up to this long, so a drained node's
     * clients do not all arrive at the others in the same instant.
     */
    reconnectSpreadMs: 1_000,
  },
  signaling: {
    /** Seconds an unauthenticated or idle socket may wait for its join. */
    joinTimeoutMs: 10_000,
    /** How often a camera's publish bitrate is sampled into the device registry. */
    deviceStatsIntervalMs: 10_000,
    /**
     * How long a socket may stay silent after a ping (sent every 10 s) before the server drops it,
     * and with it the peer's transports and producers. 20 s: a 10 s network blackout heals by ICE
     * alone (the camera keeps its producer, the recording its run); at 10 s it cost a full rejoin
     * (docs/reliability.md "Network faults"). A dead peer is noticed after at most 30 s.
     */
    pingTimeoutMs: 20_000,
  },
  whip: {
    /** WHIP ingest and WHEP playback endpoints (docs/whip-whep.md). */
    enabled: true,
    /** WHIP sessions one device may hold at once (an encoder reconnecting before the old ends). */
    maxPublishersPerDevice: 2,
    /** WHEP viewers of one device at once. */
    maxViewersPerDevice: 32,
    /** A WHIP/WHEP session whose DTLS has not connected after this long is dropped. */
    connectTimeoutMs: 30_000,
  },
  usage: {
    /** Meter usage (hourly rollups per site and device: docs/operations.md#usage-metering). */
    enabled: true,
    /** How often the SFU's RTP byte counters are read into the meter. */
    sampleIntervalMs: 5_000,
    /** How often counted usage is written to the database: at most this much is lost on a crash. */
    flushIntervalMs: 30_000,
  },
  recording: {
    /** Run recorders at all (streams still need a mode other than 'off'). */
    enabled: true,
    /** ffmpeg binary that remuxes RTP into fMP4 (Debian's, installed by scripts/setup.sh). */
    ffmpegPath: 'ffmpeg',
    /** snapshot.jpg decodes (one ffmpeg each) running at once; more wait in the queue. */
    snapshotConcurrency: 2,
    /** snapshot.jpg decodes waiting for a slot; beyond this 429 with Retry-After. */
    snapshotQueue: 8,
    /**
     * /media/* requests per client address and per playback token per minute (a cluster counts
     * across nodes). A LL-HLS player makes ~6 a second; 0 = no limit.
     */
    mediaRequestsPerMinute: 1200,
    /**
     * Who turns an H264 (+ Opus) camera's RTP into fragmented MP4: 'inprocess' (depacketized and
     * muxed in the server, no process per camera) or 'ffmpeg' (one `ffmpeg -c copy` per camera).
     * VP8 cameras always use ffmpeg, which transcodes them to H264.
     */
    muxer: 'inprocess' as 'inprocess' | 'ffmpeg',
    /** Target segment length; segments are cut at the first keyframe after it. */
    segmentSeconds: 2,
    /** Mode of a camera that has no recording settings yet. */
    defaultMode: 'continuous' as 'off' | 'continuous' | 'on-demand' | 'event',
    /** Default retention by age for new streams (days; 0 = keep by age forever). */
    defaultRetentionDays: 7,
    /** Event mode of new streams: seconds kept from before the event (5..60). */
    defaultPreRollSeconds: 6,
    /**
     * Event mode: seconds of video kept beyond the pre-roll (0..60), so an event reported late
     * (a detector confirming a person, a slow network) still gets its pre-roll before its start.
     */
    preRollMarginSeconds: 5,
    /** Event mode of new streams: seconds recorded after the event (1..600). */
    defaultPostRollSeconds: 20,
    /** How long an on-demand start records when it names no duration (seconds). */
    onDemandSeconds: 86_400,
    /** 'fs' (dataDir/recordings or storageDir) or 's3' (any S3-compatible object store). */
    storage: 'fs' as 'fs' | 's3',
    /** Directory for the filesystem storage ('' = dataDir/recordings). */
    storageDir: '',
    s3: {
      /** S3 endpoint URL ('' = AWS for the region). */
      endpoint: '',
      region: 'us-east-1',
      bucket: '',
      /** Key prefix inside the bucket. */
      prefix: '',
      accessKeyId: '',
      secretAccessKey: '',
    },
    /** Master key file for envelope encryption ('' = dataDir/secrets/recording-master-keys). */
    masterKeyFile: '',
    /** Master keys given inline, `id:base64[,id:base64]` (first = current); set, the file is unused. */
    masterKeys: '',
    /** The disk guard deletes the oldest segments (any stream) while free space is below this. */
    minFreeBytes: 1024 ** 3,
    /** Cap on all recordings together (bytes; 0 = none), enforced like minFreeBytes. */
    maxTotalBytes: 0,
    /**
     * A segment whose write fails (database or object store away, disk full) is tried again for
     * this long from the first failure before it counts as lost; it waits in memory meanwhile.
     */
    writeRetrySeconds: 30,
    /** How often retention and the disk guard run (seconds). */
    retentionIntervalSeconds: 60,
    /** Lifetime of signed playback URLs unless the client asks for less (seconds). */
    playbackTtlSeconds: 3600,
    /** Segments in the live HLS playlist. */
    liveWindowSegments: 6,
  },
  doorbell: {
    /** Ring window of a door nobody configured (seconds); owners change it per door (10-120). */
    ringWindowSeconds: 30,
    /** Longest answered call (seconds); then the call is ended for both sides. */
    maxCallSeconds: 600,
    /** Longest video message a visitor may leave after a missed call (seconds). */
    maxMessageSeconds: 30,
    /** Calls (with their snapshots) older than this many days are purged. */
    historyRetentionDays: 90,
    /** Rings per door within `ringLimitWindowSeconds`. */
    ringsPerDoor: 5,
    /** Rings per client address (/64 for IPv6) within `ringLimitWindowSeconds`, all doors. */
    ringsPerAddress: 10,
    ringLimitWindowSeconds: 60,
    /** espeak-ng executable for quick-reply speech on door screens without voices. */
    speechCommand: 'espeak-ng',
    /** espeak-ng voice of that speech. */
    speechVoice: 'en',
  },
  detection: {
    /**
     * Whether a camera nobody configured detects people (in its own page). Owners switch it per
     * camera; off saves the CPU of old phones.
     */
    enabledByDefault: true,
    host: {
      /**
       * Detection on the server: cameras set to `runOn: 'server'` (or 'auto' ones whose page
       * cannot detect) are analysed by a detector page the server runs in headless Chromium.
       * Turned off, with a log line, when `chromiumPath` does not exist.
       */
      enabled: true,
      /** Debian's Chromium (scripts/setup.sh installs it). */
      chromiumPath: '/usr/bin/chromium',
      /** Cameras one host analyses at most (one model run at a time for all of them). */
      maxCameras: 4,
    },
  },
  push: {
    /**
     * VAPID `sub`: how push services reach the operator (`mailto:` or `https:`). Apple's push
     * service refuses `localhost` URLs: set your own address (PORCHLIGHT_PUSH_SUBJECT).
     */
    vapidSubject: 'mailto:admin@porchlight.invalid',
    /**
     * Accept push endpoints on loopback/private addresses. Real push services are public; this
     * exists for tests with a local receiver. Default false (server-side request forgery guard).
     */
    allowPrivateEndpoints: false,
  },
  ops: {
    /**
     * Addresses (CIDR) that may read `/metrics` without credentials; anyone else needs an API key
     * with the `metrics:read` scope. Default: loopback only.
     */
    metricsAllowFrom: ['127.0.0.1/32', '::1/128'],
    /** How often the admin health page's sampler records a point (ms). */
    healthSampleIntervalMs: 5_000,
    /** How much history the sampler keeps (seconds); older points are dropped. */
    healthWindowSeconds: 3_600,
  },
  audit: {
    /**
     * Audit rows older than this are deleted (days; 0 = keep forever). The hash chain stays
     * verifiable: the hash of the last deleted row is kept as its anchor (docs/security.md).
     */
    retentionDays: 365,
  },
  alarms: {
    /** Evaluate alarm rules (docs/operations.md "Alarms"); off: rules can be edited, nothing fires. */
    enabled: true,
    /**
     * How often the evaluator looks for rules whose evaluation period has passed (ms). Periods are
     * whole seconds, so a second is fine-grained enough and costs one small query per tick.
     */
    tickMs: 1000,
  },
  webhooks: {
    /**
     * Deliver to loopback, private, link-local, CGNAT, multicast and reserved addresses (IPv4
     * and IPv6). For tests with a local receiver and trusted lab networks only: off, a webhook
     * cannot be pointed at this box or the LAN (server-side request forgery). Default false.
     */
    allowPrivateTargets: false,
    /** Accept http:// endpoint URLs (tests and development). Default false: https:// only. */
    allowHttp: false,
    /** Attempts per delivery (the first included) before it becomes a dead letter. */
    maxAttempts: 8,
    /** Cap of the first retry's random delay (ms); it doubles per attempt (full jitter). */
    retryBaseMs: 30_000,
    /** No retry waits longer than this (ms). */
    retryMaxMs: 3_600_000,
    /** One attempt's limit, connect to last byte (ms). */
    timeoutMs: 10_000,
    /** Deliveries in flight at once. */
    concurrency: 4,
    /** How long a rotated-out signing secret still signs (seconds). Default 24 h. */
    rotationGraceSeconds: 86_400,
    /** Switch an endpoint off after this many dead letters in a row (0: never). */
    disableAfterDeadLetters: 5,
    /** Delivered and dead deliveries (with their log) are deleted this long after they ended (days). */
    keepDeliveriesDays: 30,
  },
  /** RTSP and RTMP cameras (docs/cameras.md). */
  ingest: {
    /** ffprobe's limit when connecting to a camera or testing a URL (ms). */
    probeTimeoutMs: 8_000,
    /** No RTP from a camera's ffmpeg for this long restarts it (ms). */
    stallMs: 10_000,
    /** Reconnect delays: doubled per failure from the first up to the last, with jitter (ms). */
    initialBackoffMs: 1_000,
    maxBackoffMs: 30_000,
    rtmp: {
      /** Off by default: it opens a TCP port for encoders; switch it on to use RTMP cameras. */
      enabled: false,
      port: 1935,
      /** Where the RTMP listener binds (0.0.0.0: every interface, as encoders are on the LAN). */
      bindAddress: '0.0.0.0',
    },
  },
  /** Create a first site and print links at start-up. */
  devBootstrap: true,
};
