/**
 * Every default of the turn package, in one place. Each value says why it is what it is; the
 * option types in TurnConfig.ts / TurnSupervisor.ts / credentials.ts point here.
 */

export const TURN_DEFAULTS = {
  /** Production denies private/loopback peers; 'test' allows loopback peers (never deploy it). */
  mode: 'production',
  /** Empty: coturn listens on every interface. */
  listeningIps: [] as readonly string[],
  /** Empty: coturn relays from the listening addresses. */
  relayIps: [] as readonly string[],
  /** STUN/TURN over UDP and TCP (RFC 5766 default). */
  listeningPort: 3478,
  /** TURN over TLS ("turns:"), only opened when cert and key are given (RFC 5766 default). */
  tlsListeningPort: 5349,
  /**
   * Relay port range. Each allocation holds one relay port (two with RTCP-mux off), so the range
   * bounds concurrent allocations: 41 ports is plenty for a home deployment and keeps the
   * firewall rule short. Widen it (and the firewall rule) for more concurrent remote viewers.
   */
  minPort: 49160,
  maxPort: 49200,
  /** Concurrent allocations per TURN username (one viewer tab uses 1-3). 0 = unlimited. */
  userQuota: 10,
  /** Concurrent allocations server-wide. 0 = unlimited (the relay port range still bounds it). */
  totalQuota: 0,
  /** Per-session bandwidth cap in bytes/s, each direction. 0 = unlimited. */
  maxBps: 0,
  /**
   * Where coturn reads the REST secrets. 'sqlite' (a turn_secret table coturn re-reads on every
   * new authentication) rotates without a restart; 'static' (static-auth-secret lines) needs a
   * restart to change, which drops every live allocation. See README "Secret rotation".
   */
  secretStore: 'sqlite',
  /** coturn log destination: 'stdout' (journald/supervisor) or a file path. */
  logFile: 'stdout',
  /**
   * coturn 4.6.1 prints per-session lines (new/usage/closed) only with `verbose`; without it the
   * supervisor gets no usage records. It logs per request, never per packet.
   */
  usageLogging: true,
  /** Nonce lifetime (coturn's stale-nonce default); clients re-authenticate transparently. */
  staleNonceSeconds: 600,
  /** Extra peer ranges to deny on top of the built-in list (CIDR or a-b). */
  deniedPeerIps: [] as readonly string[],
  /** Peer ranges to allow despite the deny list, e.g. the SFU's LAN address (CIDR or a-b). */
  allowedPeerIps: [] as readonly string[],
} as const;

export const CREDENTIAL_DEFAULTS = {
  /**
   * TURN REST credential lifetime. Only new allocations check it: a live allocation keeps its key
   * (measured: refreshes still succeed after expiry and after the secret is gone). A day covers
   * ICE restarts of a long-open tab; the signaling server mints fresh ones on every join.
   */
  ttlSeconds: 86_400,
  stunPort: 3478,
  tlsPort: 5349,
} as const;

export const SUPERVISOR_DEFAULTS = {
  binary: '/usr/bin/turnserver',
  restartPolicy: {
    initialDelayMs: 200,
    maxDelayMs: 5000,
    multiplier: 2,
    /** A process that lived this long before dying restarts from initialDelayMs again. */
    resetAfterMs: 10_000,
  },
  health: {
    /** Probe period once healthy. */
    intervalMs: 5000,
    /** Probe period until the first success (fast readiness after start/restart). */
    startupIntervalMs: 100,
    timeoutMs: 1000,
    /** Consecutive failed probes before a healthy process is reported unhealthy. */
    failuresBeforeUnhealthy: 2,
  },
  /** SIGTERM, then SIGKILL after this long. */
  closeTimeoutMs: 5000,
} as const;

/**
 * Peer ranges a relay must never reach in production (SSRF into the host's own networks):
 * RFC 1918/6598/3927 private, loopback, "this network", benchmarking, reserved, and the IPv6
 * equivalents. IPv4-mapped and NAT64 IPv6 forms are included because they are the classic way
 * around an IPv4-only list. coturn 4.6.1 does not accept CIDR (measured: "Wrong address format"),
 * so TurnConfig renders these as a-b ranges. Multicast is handled by no-multicast-peers.
 * "::" (unspecified) is deliberately absent: coturn 4.6.1 then refuses IPv4 peers such as
 * 127.0.0.1 too (measured with allow-loopback-peers on); its built-in loopback check already
 * refuses "::" and 0.0.0.0 (the CVE-2020-26262 fix) unless allow-loopback-peers is set.
 */
export const DENIED_PEER_CIDRS = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '240.0.0.0/4',
  '::1/128',
  // IPv4-compatible (::a.b.c.d, e.g. ::7f00:1) without "::" (see above) and ::1 (loopback, above).
  '::2-::ffff:ffff',
  '::ffff:0:0/96',
  // IPv4-translated (::ffff:0:a.b.c.d, e.g. ::ffff:0:7f00:1).
  '::ffff:0:0:0/96',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '2001::/23',
  '2002::/16',
  'fc00::/7',
  'fe80::/10',
] as const;

/** Loopback ranges: denied in production, left out in test mode (tests relay to 127.0.0.1). */
export const LOOPBACK_CIDRS: readonly string[] = ['127.0.0.0/8', '::1/128'];
