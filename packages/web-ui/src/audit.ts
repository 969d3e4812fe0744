import type { AuditEvent } from '@porchlight/sdk/rest';

/** What an audit action means, in words; unknown actions show as they are. */
const ACTION_LABELS: Record<string, string> = {
  'account.create': 'Created an account',
  'account.update': 'Changed an account',
  'apikey.create': 'Created an API key',
  'billing.config': 'Changed the price lists',
  'apikey.revoke': 'Revoked an API key',
  'auth.login': 'Logged in',
  'auth.password-change': 'Changed their password',
  'auth.session-revoke': 'Signed out a session of theirs',
  'account.password-reset': "Reset someone's password",
  'account.session-revoke': 'Signed someone out',
  'device.provision': 'Set up a camera',
  'device.provision-code': 'Created a camera setup link',
  'device.rename': 'Renamed a camera',
  'device.revoke': 'Removed a camera',
  'device.rotate': 'Renewed a camera credential',
  'grant.create': 'Gave someone access',
  'grant.revoke': "Removed someone's access",
  'invitation.accept': 'Accepted an invitation',
  'invitation.create': 'Invited someone',
  'invitation.revoke': 'Withdrew an invitation',
  'recording.disk-guard': 'Recording paused: disk nearly full',
  'recording.rotate-keys': 'Rotated recording keys',
  'recording.settings': 'Changed recording settings',
  'site.create': 'Created the site',
  'site.delete': 'Deleted the site',
  'site.rename': 'Renamed the site',
  'alarm.create': 'Added an alarm rule',
  'alarm.update': 'Changed an alarm rule',
  'alarm.delete': 'Deleted an alarm rule',
  'alarm.acknowledge': 'Acknowledged an alarm',
  'alarm.mute': 'Muted an alarm',
  'alarm.unmute': 'Unmuted an alarm',
  'webhook.create': 'Added a webhook',
  'webhook.update': 'Changed a webhook',
  'webhook.rotate': "Rotated a webhook's signing secret",
  'webhook.delete': 'Deleted a webhook',
  'cluster.drain': 'Drained a server node',
  'stream.view-live': 'Watched live',
  'stream.view-recording': 'Watched a recording',
};

/** Refused requests are recorded under the permission they lacked: what it would have allowed. */
const PERMISSION_LABELS: Record<string, string> = {
  'stream:publish': 'publish a camera',
  'stream:view-live': 'watch live',
  'stream:view-recording': 'watch recordings',
  'recording:manage': 'change recording',
  'recording:trigger': 'start a recording',
  'stream:talk': 'talk through a camera',
  'stream:receive-talk': 'hear talk-back',
  'site:read': 'see the site',
  'site:manage': 'manage the site',
  'member:manage': 'manage people',
  'device:provision': 'add cameras',
  'device:manage': 'manage cameras',
  'audit:read': 'read the activity log',
  'usage:read': 'read usage',
  'alarm:read': 'see alarms',
  'alarm:manage': 'manage alarms',
  'account:manage-keys': 'manage API keys',
  'metrics:read': 'read server metrics',
  'admin:accounts': 'manage accounts',
  'admin:sites': 'manage sites',
  'admin:billing': 'manage billing',
};

/** Actions with a label, for a filter's suggestions. */
export const AUDIT_ACTIONS: readonly string[] = Object.keys(ACTION_LABELS);

export function auditActionLabel(action: string): string {
  const permission = PERMISSION_LABELS[action];
  if (permission) return `Tried to ${permission}`;
  return ACTION_LABELS[action] ?? action;
}

/** Who did it: the name the server resolved, else what kind of actor it was. */
export function auditActor(e: Pick<AuditEvent, 'actorType' | 'actorId' | 'actorName'>): string {
  if (e.actorName) return e.actorName;
  const short = e.actorId ? ` ${e.actorId.slice(0, 8)}` : '';
  switch (e.actorType) {
    case 'account':
      return `removed account${short}`;
    case 'device':
      return `removed device${short}`;
    case 'apikey':
      return `revoked API key${short}`;
    case 'visitor':
      return 'a doorbell visitor';
    case 'detector':
      return "the server's detector";
    case 'system':
      return 'Porchlight';
    case 'anonymous':
      return 'someone not logged in';
  }
}

const DETAIL_LABELS: Record<string, string> = {
  accountId: 'person',
  ownerAccountId: 'owner',
  deviceId: 'camera',
  deviceIds: 'cameras',
  role: 'role',
  reason: 'why',
  route: 'request',
  name: 'name',
  email: 'e-mail',
};

/**
 * The details in words, ids replaced by the names the server resolved ("person: Dog walker ·
 * role: guest · cameras: Front door"); internal ids without a name (grant, invitation) are left
 * out, times are shown as dates.
 */
export function auditDetailText(e: Pick<AuditEvent, 'detail' | 'names'>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(e.detail)) {
    if (value === null || value === undefined) {
      if (key === 'deviceIds') parts.push('cameras: all');
      continue;
    }
    const named = (v: unknown): string =>
      typeof v === 'string' ? (e.names[v] ?? v) : JSON.stringify(v);
    if (/Id$/.test(key) && typeof value === 'string' && !e.names[value]) continue;
    // A sign-out of every session of someone.
    if (key === 'all' && value === true) {
      parts.push('every session');
      continue;
    }
    const label = DETAIL_LABELS[key] ?? key;
    if (Array.isArray(value)) parts.push(`${label}: ${value.map(named).join(', ')}`);
    else if (/At$/.test(key) && typeof value === 'number')
      parts.push(
        `${label}: ${new Date(value).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}`,
      );
    else parts.push(`${label}: ${named(value)}`);
  }
  return parts.join(' · ');
}
