import { randomUUID } from 'node:crypto';
import { INVITATION_DEFAULT_TTL_SECONDS, INVITATION_MAX_TTL_SECONDS } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';
import { DuplicateError } from '../../store/errors.ts';
import type { Repositories } from '../../store/Repositories.ts';
import type { Account } from '../../store/repositories/AccountRepository.ts';
import type { Grant, SiteRole } from '../../store/repositories/GrantRepository.ts';
import type { Invitation } from '../../store/repositories/InvitationRepository.ts';
import { randomSecret, sha256Hex } from '../authentication/crypto.ts';
import type { LoginService, Session } from '../authentication/LoginService.ts';
import type { PasswordHasher } from '../authentication/passwords.ts';
import { InvitationError } from './InvitationError.ts';

export type InvitationRepos = Pick<Repositories, 'invitations' | 'grants' | 'accounts'>;

export interface InvitationsOptions {
  repos: InvitationRepos;
  passwords: PasswordHasher;
  login: Pick<LoginService, 'login'>;
  now?: () => number;
}

export interface NewInvitationInput {
  siteId: string;
  createdBy: string;
  email: string | null;
  displayName: string | null;
  role: SiteRole;
  /** null = every device, now and later. */
  deviceIds: string[] | null;
  validFrom: number | null;
  validUntil: number | null;
  /** Default 7 days, clamped to 30 days. */
  ttlSeconds?: number;
}

export interface Accepted {
  invitation: Invitation;
  grant: Grant;
  account: Account;
}

/**
 * Invitations by single-use link. The token (32 random bytes) is returned once and stored as its
 * SHA-256. Accepting claims the invitation in one conditional UPDATE before anything is created,
 * so a link works exactly once even when two people press Accept together; when creating the
 * account or grant then fails, the claim is undone and the link still works.
 */
export class Invitations {
  readonly #repos: InvitationRepos;
  readonly #passwords: PasswordHasher;
  readonly #login: Pick<LoginService, 'login'>;
  readonly #now: () => number;

  constructor(o: InvitationsOptions) {
    this.#repos = o.repos;
    this.#passwords = o.passwords;
    this.#login = o.login;
    this.#now = o.now ?? Date.now;
  }

  async create(input: NewInvitationInput): Promise<{ invitation: Invitation; token: string }> {
    const token = randomSecret(32);
    const now = this.#now();
    const ttl = Math.min(
      input.ttlSeconds ?? INVITATION_DEFAULT_TTL_SECONDS,
      INVITATION_MAX_TTL_SECONDS,
    );
    const invitation: Invitation = {
      id: randomUUID(),
      tokenHash: sha256Hex(token),
      siteId: input.siteId,
      email: input.email,
      displayName: input.displayName,
      role: input.role,
      deviceIds: input.deviceIds,
      validFrom: input.validFrom,
      validUntil: input.validUntil,
      expiresAt: now + ttl * 1000,
      createdBy: input.createdBy,
      createdAt: now,
      acceptedAt: null,
      acceptedBy: null,
      revokedAt: null,
    };
    await this.#repos.invitations.create(invitation);
    return { invitation, token };
  }

  /** The pending invitation of a token; InvitationError says why not. */
  async find(token: string): Promise<Invitation> {
    const invitation = await this.#repos.invitations.getByTokenHash(sha256Hex(token));
    if (!invitation) throw new InvitationError('unknown', null);
    const problem = this.#problem(invitation);
    if (problem) throw new InvitationError(problem, await this.#inviterName(invitation));
    return invitation;
  }

  /**
   * Accepts as a new person: creates their account (the invitation's e-mail, or theirs when it
   * names none) and the grant, then logs them in.
   */
  async acceptNew(
    token: string,
    person: { email: string | undefined; displayName: string; password: string },
    ip: string,
  ): Promise<Accepted & { session: Session }> {
    const pending = await this.find(token);
    const email = pending.email ?? person.email;
    if (!email) throw PorchlightError.badRequest('an e-mail address is required');
    if (pending.email !== null && person.email !== undefined && person.email !== pending.email)
      throw PorchlightError.badRequest(`this invitation is for ${pending.email}`);
    if (await this.#repos.accounts.getByEmail(email))
      throw PorchlightError.conflict(
        `an account for ${email} already exists: log in to accept the invitation`,
      );
    // Hashed before claiming, so the claim is held only for the few fast writes below.
    const passwordHash = await this.#passwords.hash(person.password);
    const account: Account = {
      id: randomUUID(),
      email,
      displayName: person.displayName,
      passwordHash,
      isAdmin: false,
      createdAt: this.#now(),
      disabledAt: null,
    };
    const invitation = await this.#claim(token, account.id);
    try {
      await this.#repos.accounts.create(account);
    } catch (error) {
      await this.#repos.invitations.unclaim(invitation.id);
      if (error instanceof DuplicateError)
        throw PorchlightError.conflict(
          `an account for ${email} already exists: log in to accept the invitation`,
        );
      throw error;
    }
    const grant = await this.#grant(invitation, account.id);
    const session = await this.#login.login(email, person.password, ip);
    return { invitation, grant, account, session };
  }

  /** Accepts into an existing account (the person is logged in). */
  async acceptAs(token: string, account: Account): Promise<Accepted> {
    const pending = await this.find(token);
    // An invitation naming an e-mail is that person's: a forwarded link does not admit others.
    if (pending.email !== null && pending.email.toLowerCase() !== account.email.toLowerCase())
      throw PorchlightError.forbidden(`this invitation is for ${pending.email}`);
    const held = await this.#repos.grants.listForAccount(account.id);
    if (held.some((g) => g.siteId === pending.siteId))
      throw PorchlightError.conflict(
        'you already have access to this site: ask its owner to change it instead',
      );
    const invitation = await this.#claim(token, account.id);
    const grant = await this.#grant(invitation, account.id);
    return { invitation, grant, account };
  }

  /** Withdraws a pending invitation of the site; false when it was not pending. */
  async revoke(siteId: string, id: string): Promise<boolean> {
    const invitation = await this.#repos.invitations.get(id);
    if (!invitation || invitation.siteId !== siteId) return false;
    return this.#repos.invitations.revoke(id, this.#now());
  }

  statusOf(invitation: Invitation): 'pending' | 'accepted' | 'expired' | 'revoked' {
    const problem = this.#problem(invitation);
    return problem === 'used' ? 'accepted' : (problem ?? 'pending');
  }

  /** Display name of the owner who sent it (for "ask <owner> for a new one"). */
  async inviterName(invitation: Invitation): Promise<string> {
    return (await this.#inviterName(invitation)) ?? 'the site owner';
  }

  #problem(invitation: Invitation): 'used' | 'expired' | 'revoked' | null {
    if (invitation.acceptedAt !== null) return 'used';
    if (invitation.revokedAt !== null) return 'revoked';
    if (invitation.expiresAt <= this.#now()) return 'expired';
    return null;
  }

  async #claim(token: string, accountId: string): Promise<Invitation> {
    const claimed = await this.#repos.invitations.claim(sha256Hex(token), accountId, this.#now());
    if (claimed) return claimed;
    // Lost a race (or expired between find and claim): report what it is now.
    await this.find(token);
    throw new InvitationError('used', null);
  }

  async #grant(invitation: Invitation, accountId: string): Promise<Grant> {
    const grant: Grant = {
      id: randomUUID(),
      accountId,
      siteId: invitation.siteId,
      role: invitation.role,
      deviceIds: invitation.deviceIds,
      validFrom: invitation.validFrom,
      validUntil: invitation.validUntil,
      createdBy: invitation.createdBy,
      createdAt: this.#now(),
      revokedAt: null,
    };
    try {
      await this.#repos.grants.create(grant);
    } catch (error) {
      await this.#repos.invitations.unclaim(invitation.id);
      throw error;
    }
    return grant;
  }

  async #inviterName(invitation: Invitation): Promise<string | null> {
    return (await this.#repos.accounts.get(invitation.createdBy))?.displayName ?? null;
  }
}
