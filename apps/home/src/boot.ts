import { followSession } from '@porchlight/web-ui';
import { storedCredential } from './auth/device.ts';
import { takeFromFragment } from './auth/fragment.ts';
import { takeInviteToken } from './auth/invite-token.ts';
import { keepLinkToken } from './auth/link-token.ts';
import { session } from './auth/services.ts';
import { useStore } from './store/index.ts';

/**
 * Decides who this page is, most explicit first: an invitation link, a setup link just opened, a token link just
 * opened, a camera credential kept from an earlier setup, a token link of this tab, a person's
 * stored login. Then follows the person's session as it changes (here or in another tab).
 */
export function boot(): void {
  const store = useStore.getState();
  const invite = takeInviteToken();
  const code = invite ? null : takeFromFragment('provision');
  const linkToken = takeFromFragment('token');
  const credential = storedCredential();
  if (invite) store.startInvite(invite);
  else if (code) store.startProvisioning(code);
  else if (linkToken) store.startLink(keepLinkToken(linkToken)!);
  else if (credential) store.startCamera(credential);
  else {
    const kept = keepLinkToken(null);
    if (kept) store.startLink(kept);
    else store.startPerson();
  }
  followSession(session, {
    ended: (message) => useStore.getState().sessionEnded(message),
    changed: (account) => {
      const s = useStore.getState();
      // Another account took over (logged in from another tab): start over as that person.
      if (account && s.mode === 'person' && account.id !== s.account?.id) s.startPerson();
    },
    loggedInElsewhere: () => {
      const s = useStore.getState();
      if (s.mode === 'login') s.startPerson();
    },
  });
}
