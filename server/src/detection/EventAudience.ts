import type { Authorizer } from '../identity/authorization/Authorizer.ts';
import { deviceResource } from '../identity/authorization/resources.ts';
import type { GrantRepository } from '../store/repositories/GrantRepository.ts';

/**
 * Who hears of a camera's events: people with a grant on its site that lets them watch its
 * recordings (`stream:view-recording`; a guest with live view only does not).
 */
export class EventAudience {
  readonly #grants: Pick<GrantRepository, 'listForSite'>;
  readonly #authorizer: Authorizer;

  constructor(o: { grants: Pick<GrantRepository, 'listForSite'>; authorizer: Authorizer }) {
    this.#grants = o.grants;
    this.#authorizer = o.authorizer;
  }

  async of(siteId: string, deviceId: string): Promise<string[]> {
    const ids = [...new Set((await this.#grants.listForSite(siteId)).map((g) => g.accountId))];
    const camera = deviceResource(siteId, deviceId);
    const out: string[] = [];
    for (const id of ids) {
      try {
        const p = await this.#authorizer.accountPrincipal(id);
        if (this.#authorizer.can(p, 'stream:view-recording', camera)) out.push(id);
      } catch {
        // Disabled accounts hear nothing.
      }
    }
    return out;
  }
}
