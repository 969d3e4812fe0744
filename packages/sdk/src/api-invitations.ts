import type {
  AcceptInvitation,
  CreatedInvitation,
  Grant,
  Invitation,
  InvitationPreview,
  NewInvitation,
  Session,
} from '@porchlight/protocol';
import { NotificationApi } from './api-notifications.ts';

/**
 * The invitation calls of {@link PorchlightApi}: an owner invites by single-use link; the link's
 * holder previews it and accepts it as a new person (choosing their own password) or into the
 * account they are logged in with.
 */
export abstract class InvitationApi extends NotificationApi {
  /** A site's invitations, newest first, with their status. */
  listInvitations(siteId: string): Promise<Invitation[]> {
    return this.call('listInvitations', { params: { siteId } });
  }

  /** The answer's `url` carries the secret and is shown once: hand it to the invitee. */
  createInvitation(siteId: string, invitation: NewInvitation): Promise<CreatedInvitation> {
    return this.call('createInvitation', { params: { siteId }, body: invitation });
  }

  /** Revokes a pending invitation: its link stops working. */
  revokeInvitation(siteId: string, invitationId: string): Promise<void> {
    return this.call('revokeInvitation', { params: { siteId, invitationId } });
  }

  /** Who invites to what. CONFLICT with a readable message when used, expired or withdrawn. */
  previewInvitation(token: string): Promise<InvitationPreview> {
    return this.call('previewInvitation', { body: { token }, auth: false });
  }

  /** As a new person: creates the account and logs it in (the answer is its session). */
  acceptInvitation(accept: AcceptInvitation): Promise<Session> {
    return this.call('acceptInvitation', { body: accept, auth: false });
  }

  /** Into the account of this client's token. */
  acceptInvitationAsMe(token: string): Promise<Grant> {
    return this.call('acceptInvitationAsMe', { body: { token } });
  }
}
