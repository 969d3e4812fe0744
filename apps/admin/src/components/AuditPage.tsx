import { useEffect, useState, type FormEvent } from 'react';
import type { AuditEvent, AuditQuery } from '@porchlight/sdk/rest';
import { formatTime, fromLocalInput } from '@porchlight/web-ui';
import { useStore } from '../store/index.ts';

/** Who did what on a site, newest first, filtered by action and time. */
export function AuditPage({ siteId }: { siteId: string | null }) {
  const sites = useStore((s) => s.sites);
  const loadSites = useStore((s) => s.loadSites);
  const loadAccounts = useStore((s) => s.loadAccounts);
  const go = useStore((s) => s.go);
  const events = useStore((s) => s.auditEvents);
  const more = useStore((s) => s.auditMore);
  const searchAudit = useStore((s) => s.searchAudit);
  const moreAudit = useStore((s) => s.moreAudit);
  const [action, setAction] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  // The filters of the shown results, so "older" pages continue the same search.
  const [applied, setApplied] = useState<AuditQuery>({});

  useEffect(() => {
    void loadSites();
    // To show people's e-mails instead of account ids.
    void loadAccounts();
  }, [loadSites, loadAccounts]);

  // No site chosen yet: the first one.
  const effectiveSite = siteId ?? sites?.[0]?.id ?? null;
  useEffect(() => {
    if (!effectiveSite) return;
    setApplied({});
    void searchAudit(effectiveSite, {});
  }, [effectiveSite, searchAudit]);

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    if (!effectiveSite) return;
    const from = fromLocalInput(since);
    const to = fromLocalInput(until);
    const filters: AuditQuery = {
      ...(action.trim() ? { action: action.trim() } : {}),
      ...(from !== undefined ? { since: from } : {}),
      ...(to !== undefined ? { until: to } : {}),
    };
    setApplied(filters);
    void searchAudit(effectiveSite, filters);
  };

  return (
    <section className="page">
      <h1>Audit log</h1>
      <form className="form card" onSubmit={onSubmit}>
        <div className="form-row">
          <label className="field">
            <span>Site</span>
            <select
              data-testid="audit-site"
              value={effectiveSite ?? ''}
              onChange={(event) => go({ name: 'audit', siteId: event.target.value })}
            >
              {(sites ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Action</span>
            <input
              data-testid="audit-action"
              placeholder="e.g. grant.create"
              value={action}
              onChange={(event) => setAction(event.target.value)}
            />
          </label>
          <label className="field">
            <span>Since</span>
            <input
              type="datetime-local"
              data-testid="audit-since"
              value={since}
              onChange={(event) => setSince(event.target.value)}
            />
          </label>
          <label className="field">
            <span>Until</span>
            <input
              type="datetime-local"
              data-testid="audit-until"
              value={until}
              onChange={(event) => setUntil(event.target.value)}
            />
          </label>
        </div>
        <button type="submit" className="btn" data-testid="audit-search" disabled={!effectiveSite}>
          Search
        </button>
      </form>
      {events === null ? (
        <p className="muted">{effectiveSite ? 'Loading…' : 'No sites yet.'}</p>
      ) : events.length === 0 ? (
        <p className="muted">Nothing recorded for these filters.</p>
      ) : (
        <table className="table" data-testid="audit-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Action</th>
              <th>Outcome</th>
              <th>Address</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <AuditRow key={event.id} event={event} />
            ))}
          </tbody>
        </table>
      )}
      {more && effectiveSite && (
        <button
          type="button"
          className="icon-btn"
          data-testid="audit-more"
          onClick={() => void moreAudit(effectiveSite, applied)}
        >
          Older events
        </button>
      )}
    </section>
  );
}

function AuditRow({ event }: { event: AuditEvent }) {
  const account = useStore((s) =>
    event.actorType === 'account' || event.actorType === 'apikey'
      ? s.accounts?.find((a) => a.id === event.actorId)
      : undefined,
  );
  const who =
    account?.email ??
    (event.actorId ? `${event.actorType} ${event.actorId.slice(0, 8)}` : event.actorType);
  const detail = Object.keys(event.detail).length ? JSON.stringify(event.detail) : '';
  return (
    <tr data-testid="audit-row" data-action={event.action} data-outcome={event.outcome}>
      <td className="nowrap">{formatTime(event.at)}</td>
      <td>{who}</td>
      <td>
        <code>{event.action}</code>
        {event.resource && <div className="muted small">{event.resource}</div>}
      </td>
      <td className={`outcome outcome--${event.outcome}`}>{event.outcome}</td>
      <td>{event.ip ?? '—'}</td>
      <td className="small wrap">{detail}</td>
    </tr>
  );
}
