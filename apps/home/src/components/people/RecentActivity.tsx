import { useCallback, useEffect, useState } from 'react';
import type { AuditEvent, AuditQuery } from '@porchlight/sdk';
import { describeApiError } from '@porchlight/sdk';
import {
  auditActionLabel,
  auditActor,
  auditDetailText,
  formatAgo,
  formatInstant,
} from '@porchlight/web-ui';
import { api } from '../../auth/services.ts';
import { useStore } from '../../store/index.ts';

const PAGE = 20;

/** The owner's filters: what kind of activity (server-side filters of the audit log). */
const FILTERS: Record<string, { label: string; query: AuditQuery }> = {
  all: { label: 'Everything', query: {} },
  people: { label: 'People and invitations', query: { action: 'invitation.' } },
  access: { label: 'Access given or removed', query: { action: 'grant.' } },
  cameras: { label: 'Cameras', query: { action: 'device.' } },
  refused: { label: 'Refused requests', query: { outcome: 'denied' } },
};

/**
 * The site's audit log for its owners, in words: who (by name), what, when (relative, the exact
 * time on hover), newest first, with older pages on demand.
 */
export function RecentActivity() {
  const siteId = useStore((s) => s.siteId);
  // Reloaded when the page's own lists change (an invitation sent, access removed).
  const grants = useStore((s) => s.grants);
  const invitations = useStore((s) => s.invitations);
  const [filter, setFilter] = useState('all');
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [more, setMore] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const load = useCallback(
    async (before?: number) => {
      if (!siteId) return;
      try {
        const page = await api.listAudit(siteId, {
          ...FILTERS[filter]!.query,
          limit: PAGE,
          ...(before !== undefined ? { before } : {}),
        });
        setProblem(null);
        setEvents((old) => (before === undefined ? page : [...(old ?? []), ...page]));
        setMore(page.length === PAGE);
      } catch (error) {
        setProblem(describeApiError(error));
      }
    },
    [siteId, filter],
  );

  useEffect(() => {
    void load();
  }, [load, grants, invitations]);

  return (
    <div className="card" data-testid="activity">
      <div className="activity__head">
        <h2>Activity</h2>
        <select
          data-testid="activity-filter"
          aria-label="Show"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        >
          {Object.entries(FILTERS).map(([key, f]) => (
            <option key={key} value={key}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      {problem && <p className="muted">{problem}</p>}
      {events === null ? (
        <p className="muted">Loading…</p>
      ) : events.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ul className="people-list">
          {events.map((e) => (
            <li key={e.id} data-testid="activity-row" data-action={e.action}>
              <span>
                <strong data-testid="activity-who">{auditActor(e)}</strong>{' '}
                {auditActionLabel(e.action).toLowerCase()}
                {e.outcome !== 'success' && (
                  <span className={`outcome outcome--${e.outcome}`}> ({e.outcome})</span>
                )}
                {e.resourceName && <span className="muted"> · {e.resourceName}</span>}
                {auditDetailText(e) && (
                  <span className="muted small" data-testid="activity-detail">
                    {' '}
                    · {auditDetailText(e)}
                  </span>
                )}
              </span>
              <time
                className="muted small"
                dateTime={new Date(e.at).toISOString()}
                title={formatInstant(e.at)}
                data-testid="activity-when"
              >
                {formatAgo(e.at)}
              </time>
            </li>
          ))}
        </ul>
      )}
      {more && events && (
        <button type="button" className="icon-btn" onClick={() => void load(events.at(-1)?.id)}>
          Older
        </button>
      )}
    </div>
  );
}
