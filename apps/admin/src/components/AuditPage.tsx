import { useEffect, useState, type FormEvent } from 'react';
import type { AuditEvent, AuditQuery } from '@porchlight/sdk/rest';
import {
  AUDIT_ACTIONS,
  auditActionLabel,
  auditActor,
  auditDetailText,
  formatAgo,
  formatInstant,
  fromLocalInput,
} from '@porchlight/web-ui';
import { useStore } from '../store/index.ts';
import { AuditIntegrity } from './AuditIntegrity.tsx';
import { SitePicker } from './SitePicker.tsx';

/**
 * Who did what, newest first, on the whole instance (`siteId` null: every site, and what belongs
 * to no site: logins, password resets, sign-outs) or on one site: names (resolved by the server)
 * instead of ids, times relative with the exact time on hover, filtered by actor, action, outcome
 * and time range.
 */
export function AuditPage({ siteId }: { siteId: string | null }) {
  const loadSites = useStore((s) => s.loadSites);
  const loadAccounts = useStore((s) => s.loadAccounts);
  const go = useStore((s) => s.go);
  const events = useStore((s) => s.auditEvents);
  const more = useStore((s) => s.auditMore);
  const searchAudit = useStore((s) => s.searchAudit);
  const moreAudit = useStore((s) => s.moreAudit);
  const accounts = useStore((s) => s.accounts);
  const siteDevices = useStore((s) => s.siteDevices);
  const loadSite = useStore((s) => s.loadSite);
  const [action, setAction] = useState('');
  const [actorId, setActorId] = useState('');
  const [outcome, setOutcome] = useState<'' | 'success' | 'failure' | 'denied'>('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  // The filters of the shown results, so "older" pages continue the same search.
  const [applied, setApplied] = useState<AuditQuery>({});

  useEffect(() => {
    void loadSites();
    // To show people's e-mails instead of account ids.
    void loadAccounts();
  }, [loadSites, loadAccounts]);

  useEffect(() => {
    setApplied({});
    void searchAudit(siteId, {});
    // The site's cameras, for the actor filter.
    if (siteId !== null) void loadSite(siteId);
  }, [siteId, searchAudit, loadSite]);

  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    const from = fromLocalInput(since);
    const to = fromLocalInput(until);
    const filters: AuditQuery = {
      ...(action.trim() ? { action: action.trim() } : {}),
      ...(actorId ? { actorId } : {}),
      ...(outcome ? { outcome } : {}),
      ...(from !== undefined ? { since: from } : {}),
      ...(to !== undefined ? { until: to } : {}),
    };
    setApplied(filters);
    void searchAudit(siteId, filters);
  };

  return (
    <section className="page">
      <h1>Audit log</h1>
      <AuditIntegrity />
      <form className="form card" onSubmit={onSubmit}>
        <div className="form-row">
          <SitePicker
            testId="audit-site"
            value={siteId}
            all={{
              label: 'All sites and accounts',
              onPick: () => go({ name: 'audit', siteId: null }),
            }}
            onChange={(picked) => go({ name: 'audit', siteId: picked })}
          />
          <label className="field">
            <span>Who</span>
            <select
              data-testid="audit-actor"
              value={actorId}
              onChange={(event) => setActorId(event.target.value)}
            >
              <option value="">Anyone</option>
              <optgroup label="People">
                {(accounts ?? []).map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.displayName} ({a.email})
                  </option>
                ))}
              </optgroup>
              <optgroup label="Cameras">
                {(siteDevices ?? []).map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </optgroup>
            </select>
          </label>
          <label className="field">
            <span>Action</span>
            <input
              data-testid="audit-action"
              placeholder="e.g. grant.create, or grant. for all"
              list="audit-actions"
              value={action}
              onChange={(event) => setAction(event.target.value)}
            />
            <datalist id="audit-actions">
              {AUDIT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {auditActionLabel(a)}
                </option>
              ))}
            </datalist>
          </label>
          <label className="field">
            <span>Outcome</span>
            <select
              data-testid="audit-outcome"
              value={outcome}
              onChange={(event) => setOutcome(event.target.value as typeof outcome)}
            >
              <option value="">Any</option>
              <option value="success">Succeeded</option>
              <option value="failure">Failed</option>
              <option value="denied">Refused</option>
            </select>
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
        <button type="submit" className="btn" data-testid="audit-search">
          Search
        </button>
      </form>
      {events === null ? (
        <p className="muted">Loading…</p>
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
      {more && (
        <button
          type="button"
          className="icon-btn"
          data-testid="audit-more"
          onClick={() => void moreAudit(siteId, applied)}
        >
          Older events
        </button>
      )}
    </section>
  );
}

function AuditRow({ event }: { event: AuditEvent }) {
  const detail = auditDetailText(event);
  return (
    <tr data-testid="audit-row" data-action={event.action} data-outcome={event.outcome}>
      <td className="nowrap">
        <time
          dateTime={new Date(event.at).toISOString()}
          title={formatInstant(event.at)}
          data-testid="audit-when"
        >
          {formatAgo(event.at)}
        </time>
      </td>
      <td data-testid="audit-who" title={event.actorId ?? undefined}>
        {auditActor(event)}
        <div className="muted small">{event.actorType}</div>
      </td>
      <td>
        <div data-testid="audit-what">{auditActionLabel(event.action)}</div>
        <div className="muted small">
          <code>{event.action}</code>
          {event.resourceName && <> · {event.resourceName}</>}
        </div>
      </td>
      <td className={`outcome outcome--${event.outcome}`}>{event.outcome}</td>
      <td>{event.ip ?? '—'}</td>
      <td className="small wrap" data-testid="audit-detail">
        {detail}
      </td>
    </tr>
  );
}
