import type { StateCreator } from 'zustand';
import type { AuditEvent, AuditQuery } from '@porchlight/sdk/rest';
import { api } from '../services.ts';
import type { Store } from './index.ts';

export const AUDIT_PAGE_SIZE = 100;

export interface AuditSlice {
  auditEvents: AuditEvent[] | null;
  /** The last page was full: there may be older events. */
  auditMore: boolean;

  /** First page for these filters (paging resets); `siteId` null: the whole instance's log. */
  searchAudit(siteId: string | null, filters: AuditQuery): Promise<void>;
  /** The next (older) page for the same filters. */
  moreAudit(siteId: string | null, filters: AuditQuery): Promise<void>;
}

/** One site's log, or the whole instance's (every site, and logins and accounts). */
const listAudit = (siteId: string | null, query: AuditQuery) =>
  siteId === null ? api.listInstanceAudit(query) : api.listAudit(siteId, query);

export const createAuditSlice: StateCreator<Store, [], [], AuditSlice> = (set, get) => ({
  auditEvents: null,
  auditMore: false,

  searchAudit: async (siteId, filters) => {
    set({ auditEvents: null, auditMore: false });
    const events = await get().attempt(() =>
      listAudit(siteId, { ...filters, limit: AUDIT_PAGE_SIZE }),
    );
    set({ auditEvents: events ?? [], auditMore: (events?.length ?? 0) === AUDIT_PAGE_SIZE });
  },

  moreAudit: async (siteId, filters) => {
    const current = get().auditEvents ?? [];
    const oldest = current.at(-1);
    if (!oldest) return;
    const events = await get().attempt(() =>
      listAudit(siteId, { ...filters, before: oldest.id, limit: AUDIT_PAGE_SIZE }),
    );
    if (!events) return;
    set({ auditEvents: [...current, ...events], auditMore: events.length === AUDIT_PAGE_SIZE });
  },
});
