import type { AccountRepository } from '../../store/repositories/AccountRepository.ts';
import type { GrantRepository } from '../../store/repositories/GrantRepository.ts';
import type { AlarmAudience } from './ports.ts';

/** The site's owners (live owner grants) and every enabled admin. */
export class OwnersAndAdmins implements AlarmAudience {
  readonly #grants: Pick<GrantRepository, 'listForSite'>;
  readonly #accounts: Pick<AccountRepository, 'list'>;
  readonly #now: () => number;

  constructor(o: {
    grants: Pick<GrantRepository, 'listForSite'>;
    accounts: Pick<AccountRepository, 'list'>;
    now: () => number;
  }) {
    this.#grants = o.grants;
    this.#accounts = o.accounts;
    this.#now = o.now;
  }

  async recipients(siteId: string): Promise<string[]> {
    const now = this.#now();
    const owners = (await this.#grants.listForSite(siteId))
      .filter(
        (g) =>
          g.role === 'owner' &&
          (g.validFrom === null || g.validFrom <= now) &&
          (g.validUntil === null || g.validUntil > now),
      )
      .map((g) => g.accountId);
    const admins = (await this.#accounts.list())
      .filter((a) => a.isAdmin && a.disabledAt === null)
      .map((a) => a.id);
    return [...new Set([...owners, ...admins])];
  }
}
