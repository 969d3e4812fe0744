/**
 * Every action the platform authorizes, IAM style (`service:verb`). A new route or socket event
 * must name one of these (or be explicitly public/authenticated-only) or the authorization
 * matrix test fails.
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
  /** Manage API keys of one's own account. */
  'account:manage-keys',
  /** Platform administration: accounts, all sites. */
  'admin:accounts',
  'admin:sites',
] as const;

export type Action = (typeof ACTIONS)[number];

export function isAction(value: string): value is Action {
  return (ACTIONS as readonly string[]).includes(value);
}

/** Matches an action against a pattern: exact, `service:*`, or `*`. */
export function actionMatches(pattern: string, action: Action): boolean {
  if (pattern === '*' || pattern === action) return true;
  return pattern.endsWith(':*') && action.startsWith(pattern.slice(0, -1));
}
