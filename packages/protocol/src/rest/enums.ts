/** Vocabularies of the contract, without zod: cheap to import from anywhere. */

/**
 * Every action the platform authorizes, IAM style (`service:verb`). A new route or socket event
 * must name one of these (or be explicitly public/authenticated-only) or the authorization
 * matrix test fails. Here, beside the wire contract, because API key scopes are made of them.
 */
export const ACTIONS = [
  /** Publish a device's camera/microphone media. Devices only. */
  'stream:publish',
  /** Watch live video/audio of a device. */
  'stream:view-live',
  /** Watch recordings of a device (recording/HLS URLs). */
  'stream:view-recording',
  /** Change a device's recording settings (mode, retention) and start/stop on-demand recording. */
  'recording:manage',
  /** Raise a recording event (person detected, doorbell rung) that persists the pre-roll. */
  'recording:trigger',
  /** Talk through a device's speaker (push-to-talk). */
  'stream:talk',
  /** A device hears talk-back addressed to it. Devices only. */
  'stream:receive-talk',
  /** See a site, its devices and their status. */
  'site:read',
  /** Rename or delete a site. */
  'site:manage',
  /** Invite, change and revoke people's access to a site. */
  'member:manage',
  /** Create provisioning codes for new devices. */
  'device:provision',
  /** Rename, rotate credentials of, revoke devices. */
  'device:manage',
  /** Read a site's audit log. */
  'audit:read',
  /** Read a site's metering (relayed TURN usage, later storage and streaming). */
  'usage:read',
  /** See a site's alarm rules, states and history. */
  'alarm:read',
  /** Change a site's alarm rules; acknowledge and mute its alarms. */
  'alarm:manage',
  /** Manage API keys of one's own account. */
  'account:manage-keys',
  /** Be notified of a door's calls, answer, decline, talk in them, read the door's call history. */
  'call:answer',
  /** Ring a door (the doorbell device for its own door; a visitor credential for its call). */
  'call:ring',
  /** Change a door's settings and its door tokens (visitor links). */
  'door:manage',
  /** Read the server's operational metrics (`/metrics`, the health series). Platform-wide. */
  'metrics:read',
  /** Platform administration: accounts, all sites. */
  'admin:accounts',
  'admin:sites',
  /** Price lists, the box cost, estimates, every account's invoices. */
  'admin:billing',
] as const;

export type Action = (typeof ACTIONS)[number];

/** Roles a person can hold on a site. Platform admins are a flag on the account instead. */
export const SITE_ROLES = ['owner', 'member', 'guest', 'installer'] as const;
export type SiteRole = (typeof SITE_ROLES)[number];

export const DEVICE_KINDS = ['camera', 'doorbell'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/**
 * How a device's stream is recorded:
 * - off: never;
 * - continuous: always, while the camera publishes;
 * - on-demand: between start and stop (or for a duration);
 * - event: around triggers, with pre-roll and post-roll.
 */
export const RECORDING_MODES = ['off', 'continuous', 'on-demand', 'event'] as const;
export type RecordingMode = (typeof RECORDING_MODES)[number];
