/**
 * Shapes of the REST API (`/api/v1`), as the server's views return them. Times are unix ms.
 * Written out here rather than imported: the SDK runs in browsers and must not depend on the
 * server package. `GET /api/openapi.json` is the reference.
 */

export type SiteRole = 'owner' | 'member' | 'guest' | 'installer';
export const SITE_ROLES: readonly SiteRole[] = ['owner', 'member', 'guest', 'installer'];

export type DeviceKind = 'camera' | 'doorbell';

export interface Account {
  id: string;
  email: string;
  displayName: string;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: number;
}

/** The account as returned with a session (login, refresh). */
export interface SessionAccount {
  id: string;
  email: string;
  displayName: string;
  isAdmin: boolean;
  createdAt: number;
  disabledAt: number | null;
}

export interface Session {
  /** Short-lived (minutes); sent as `Authorization: Bearer` and in the socket handshake. */
  accessToken: string;
  accessTokenExpiresAt: number;
  /** Long-lived, single use: each refresh returns a new one. */
  refreshToken: string;
  refreshTokenExpiresAt: number;
  account: SessionAccount;
}

export interface Site {
  id: string;
  name: string;
  createdAt: number;
}

export interface Grant {
  id: string;
  accountId: string;
  siteId: string;
  role: SiteRole;
  /** null: every device of the site. */
  deviceIds: string[] | null;
  validFrom: number | null;
  validUntil: number | null;
  createdAt: number;
  revoked: boolean;
}

export interface GrantWithAccount extends Grant {
  account: Account | null;
}

export interface Device {
  id: string;
  siteId: string;
  kind: DeviceKind;
  name: string;
  /** Has redeemed its provisioning code. */
  provisioned: boolean;
  revoked: boolean;
  online: boolean;
  lastSeenAt: number | null;
  lastAddress: string | null;
  userAgent: string | null;
  firmware: string | null;
  /** Publish bitrate in bits/s, as last reported. */
  bitrate: number | null;
  createdAt: number;
}

export interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  siteId: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revoked: boolean;
}

/** `GET /api/v1/me`. */
export type Me =
  | { kind: 'device'; device: { id: string; siteId: string; name: string } }
  | { kind: 'account' | 'apikey'; account: Account; grants: Grant[] };

export interface ProvisioningCode {
  /** Human form `ABCDE-FGHIJ`, shown once. */
  code: string;
  deviceId: string;
  expiresAt: number;
  /** Link that sets a browser up as this device (the code rides in the fragment). */
  url: string;
}

export interface ProvisionResult {
  /** The device's long-lived secret: keep it, it is never shown again. */
  credential: string;
  device: Device;
}

export interface DeviceToken {
  token: string;
  /** Seconds. */
  expiresIn: number;
  device: Device;
}

export interface AuditEvent {
  id: number;
  at: number;
  actorType: 'account' | 'device' | 'apikey' | 'system' | 'anonymous';
  actorId: string | null;
  action: string;
  resource: string | null;
  outcome: 'success' | 'failure' | 'denied';
  ip: string | null;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  since?: number;
  until?: number;
  /** Events with an id below this (paging, newest first). */
  before?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

export interface NewGrant {
  email: string;
  role: SiteRole;
  /** Only these devices; omit for all. */
  deviceIds?: string[];
  validFrom?: number;
  validUntil?: number;
  /** For a person without an account yet. */
  displayName?: string;
  /** Required for a person without an account yet (at least 10 characters). */
  password?: string;
}

export interface NewAccount {
  email: string;
  displayName: string;
  password: string;
  isAdmin?: boolean;
}

export interface AccountPatch {
  disabled?: boolean;
  isAdmin?: boolean;
  displayName?: string;
}

export interface NewProvisioningCode {
  name: string;
  kind?: DeviceKind;
  /** 60 s to 24 h; default 15 min. */
  ttlSeconds?: number;
}

export interface NewApiKey {
  name: string;
  scopes: string[];
  siteId?: string;
}

// ---- recording ---------------------------------------------------------------------------

/**
 * How a device's stream is recorded:
 * - off: never;
 * - continuous: always, while the camera publishes;
 * - on-demand: between start and stop (or for a duration);
 * - event: around triggers, with pre-roll and post-roll.
 */
export type RecordingMode = 'off' | 'continuous' | 'on-demand' | 'event';
export const RECORDING_MODES: readonly RecordingMode[] = [
  'off',
  'continuous',
  'on-demand',
  'event',
];

/** One device's recording stream: its settings and what is stored. */
export interface RecordingStreamView {
  deviceId: string;
  deviceName: string;
  mode: RecordingMode;
  /** Older segments are deleted; null: kept by age forever. */
  retentionMaxAgeSeconds: number | null;
  /** The oldest segments are deleted while more is stored; null: unbounded. */
  retentionMaxBytes: number | null;
  /** Event mode: seconds before a trigger kept with it. */
  preRollSeconds: number;
  /** Event mode: seconds recorded after the last trigger. */
  postRollSeconds: number;
  tags: Record<string, string>;
  /** A recorder is persisting this stream now. */
  recording: boolean;
  /** On-demand recording started with a duration: when it stops by itself. */
  onDemandUntil?: number | null;
  /** Oldest and newest recorded instants; null when nothing is stored. */
  firstTime: number | null;
  lastTime: number | null;
  segments: number;
  storedBytes: number;
}

/** Owners only. Fields left out stay as they are; null retention removes the limit. */
export interface RecordingPatch {
  mode?: RecordingMode;
  retentionMaxAgeSeconds?: number | null;
  retentionMaxBytes?: number | null;
  preRollSeconds?: number;
  postRollSeconds?: number;
  tags?: Record<string, string>;
}

/** A span of time, unix ms, `from` inclusive. */
export interface TimeRange {
  from: number;
  to: number;
}

/** What is recorded inside a window: merged ranges, and the gaps between them. */
export interface RecordingTimeline {
  ranges: TimeRange[];
  gaps: TimeRange[];
}

/** One stored media segment. */
export interface RecordingFragment {
  seq: number;
  /** Unix ms on the camera's media clock. */
  producerTime: number;
  /** Unix ms when it reached the server. */
  ingestTime: number;
  durationMs: number;
  bytes: number;
  /** Starts with a video keyframe. */
  keyframe: boolean;
  tags: string[];
}

export interface RecordingFragmentQuery extends TimeRange {
  /** Default 1000. */
  limit?: number;
}

export interface RecordingThumbnail {
  at: number;
  /** Signed, expiring JPEG URL (same origin), usable as an `<img src>`. */
  url: string;
}

export interface RecordingThumbnailQuery extends TimeRange {
  /** How many, spread over the window. */
  count?: number;
}

export interface PlaybackRequest {
  from?: number;
  to?: number;
  /** How long the signed URLs stay valid. */
  ttlSeconds?: number;
}

/**
 * Signed media URLs (paths on the API's origin; the token is in the path, no bearer needed) for
 * players, `<a download>` and `<img>`.
 */
export interface RecordingPlayback {
  expiresAt: number;
  /** Live HLS playlist (the recording as it grows). */
  live: string;
  /** On-demand HLS playlist of [from, to]; null unless both were given. */
  vod: string | null;
  /** MP4 download of [from, to]; null unless both were given. */
  clip: string | null;
  /** A JPEG of any instant: append `?at=<ms>&width=<px>` (see snapshotUrl). */
  snapshot: string;
}
