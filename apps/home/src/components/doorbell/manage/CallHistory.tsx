import { useCallback, useEffect, useState } from 'react';
import type { CallOutcome, CallRecord } from '@porchlight/protocol';
import { describeApiError } from '@porchlight/sdk';
import { formatTime } from '@porchlight/web-ui';
import { api } from '../../../auth/services.ts';
import { MessagePlayer } from './MessagePlayer.tsx';

interface Props {
  siteId: string;
  doorId: string;
}

const OUTCOMES: Record<CallOutcome, string> = {
  answered: 'Answered',
  missed: 'Missed',
  declined: 'Declined',
  cancelled: 'Visitor left',
};

function duration(seconds: number): string {
  if (seconds <= 0) return '—';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

/** The door's calls, newest first: when, the visitor's snapshot, outcome, who answered, how long. */
export function CallHistory({ siteId, doorId }: Props) {
  const [calls, setCalls] = useState<CallRecord[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    (before?: number) => {
      api.listCalls(siteId, doorId, before !== undefined ? { before } : {}).then(
        (page) => {
          setCalls((old) => (before !== undefined ? [...(old ?? []), ...page.calls] : page.calls));
          setNext(page.nextBefore);
        },
        (e: unknown) => setError(describeApiError(e)),
      );
    },
    [siteId, doorId],
  );
  useEffect(() => load(), [load]);

  return (
    <div className="call-history" data-testid="call-history">
      <h3>
        Calls{' '}
        <button type="button" className="icon-btn" onClick={() => load()}>
          Refresh
        </button>
      </h3>
      {error && <p className="hint hint--warn">{error}</p>}
      {calls === null ? (
        <p className="muted">Loading…</p>
      ) : calls.length === 0 ? (
        <p className="muted">No calls yet.</p>
      ) : (
        <ul className="call-history__list">
          {calls.map((c) => (
            <li
              key={c.callId}
              className="call-history__item"
              data-testid="call-history-item"
              data-outcome={c.outcome ?? 'ongoing'}
            >
              {c.snapshotUrl ? (
                <img className="call-history__snap" src={c.snapshotUrl} alt="Visitor" />
              ) : (
                <span className="call-history__snap call-history__snap--none" aria-hidden="true" />
              )}
              <span>
                <strong>{c.outcome ? OUTCOMES[c.outcome] : 'In progress'}</strong>
                {c.answeredBy && ` by ${c.answeredBy.name} on ${c.answeredBy.deviceLabel}`}
                <br />
                <span className="muted small">
                  {formatTime(c.startedAt)} · {duration(c.durationSeconds)} ·{' '}
                  {c.via === 'link' ? 'door link' : 'doorbell button'}
                </span>
                {c.messageUrl && (
                  <MessagePlayer url={c.messageUrl} seconds={c.messageSeconds ?? null} />
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      {next !== null && (
        <button type="button" className="btn btn--small" onClick={() => load(next)}>
          Older calls
        </button>
      )}
    </div>
  );
}
