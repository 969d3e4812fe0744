import type { SqlExecutor } from '../executor/SqlExecutor.ts';
import { column, int, json, literal, nullable, Table, text } from '../executor/table.ts';
import type { SiteRole } from './GrantRepository.ts';

/**
 * An invitation to a site by single-use link: what the grant will be once accepted. The link's
 * token is kept only as its SHA-256.
 */
export interface Invitation {
  id: string;
  tokenHash: string;
  siteId: string;
  /** Who it is for, as the owner wrote it: an e-mail, a name, or both. */
  email: string | null;
  displayName: string | null;
  role: SiteRole;
  /** null = every device of the site, now and later. */
  deviceIds: string[] | null;
  validFrom: number | null;
  validUntil: number | null;
  expiresAt: number;
  createdBy: string;
  createdAt: number;
  acceptedAt: number | null;
  /** The account that accepted it. */
  acceptedBy: string | null;
  revokedAt: number | null;
}

export interface InvitationRepository {
  create(i: Invitation): Promise<void>;
  get(id: string): Promise<Invitation | null>;
  getByTokenHash(tokenHash: string): Promise<Invitation | null>;
  /** A site's invitations, newest first. */
  listForSite(siteId: string): Promise<Invitation[]>;
  /**
   * Marks a pending, unexpired invitation accepted by `accountId` in one statement and returns
   * it; null when it was used, revoked or expired meanwhile (of two racing accepts, one wins).
   */
  claim(tokenHash: string, accountId: string, now: number): Promise<Invitation | null>;
  /** Undoes a claim whose grant could not be created, so the link still works. */
  unclaim(id: string): Promise<void>;
  /** Revokes a pending invitation; false when it was not pending. */
  revoke(id: string, at: number): Promise<boolean>;
}

const invitations = new Table<Invitation>('invitations', {
  id: column('id', text),
  tokenHash: column('token_hash', text),
  siteId: column('site_id', text),
  email: column('email', nullable(text)),
  displayName: column('display_name', nullable(text)),
  role: column('role', literal<SiteRole>()),
  deviceIds: column('device_ids', nullable(json<string[]>())),
  validFrom: column('valid_from', nullable(int)),
  validUntil: column('valid_until', nullable(int)),
  expiresAt: column('expires_at', int),
  createdBy: column('created_by', text),
  createdAt: column('created_at', int),
  acceptedAt: column('accepted_at', nullable(int)),
  acceptedBy: column('accepted_by', nullable(text)),
  revokedAt: column('revoked_at', nullable(int)),
});

const PENDING = 'accepted_at IS NULL AND revoked_at IS NULL';

export class SqlInvitationRepository implements InvitationRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async create(i: Invitation): Promise<void> {
    await invitations.insert(this.#db, i);
  }

  get(id: string): Promise<Invitation | null> {
    return invitations.getBy(this.#db, { id });
  }

  getByTokenHash(tokenHash: string): Promise<Invitation | null> {
    return invitations.getBy(this.#db, { tokenHash });
  }

  listForSite(siteId: string): Promise<Invitation[]> {
    return invitations.many(
      this.#db,
      `SELECT ${invitations.columnList} FROM invitations WHERE site_id = ? ORDER BY created_at DESC, id`,
      [siteId],
    );
  }

  claim(tokenHash: string, accountId: string, now: number): Promise<Invitation | null> {
    return invitations.one(
      this.#db,
      `UPDATE invitations SET accepted_at = ?, accepted_by = ? ` +
        `WHERE token_hash = ? AND ${PENDING} AND expires_at > ? RETURNING ${invitations.columnList}`,
      [now, accountId, tokenHash, now],
    );
  }

  async unclaim(id: string): Promise<void> {
    await this.#db.query(
      'UPDATE invitations SET accepted_at = NULL, accepted_by = NULL WHERE id = ?',
      [id],
    );
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      `UPDATE invitations SET revoked_at = ? WHERE id = ? AND ${PENDING}`,
      [at, id],
    );
    return rowCount === 1;
  }
}
