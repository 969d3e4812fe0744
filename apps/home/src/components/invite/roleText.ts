import type { SiteRole } from '@porchlight/sdk';

/** What each role lets a person do, in the words the invite form and the invite page use. */
export const ROLE_HELP: Record<SiteRole, string> = {
  owner: 'Owner: everything, including people and devices',
  member: 'Member: watch live and recordings, talk back',
  guest: 'Guest: watch live only',
  installer: 'Installer: add and manage cameras, watch live',
};
