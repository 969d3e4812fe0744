import { useEffect, useState } from 'react';
import type { AlarmView } from '@porchlight/sdk';
import { ALARM_LABELS } from '@porchlight/sdk/rest';
import { api } from '../../auth/services.ts';

/** Alarm states change on the server's clock: re-read this often while shown. */
const REFRESH_MS = 5_000;

/**
 * The site's alarms that need attention (ALARM), for its owners: what fired and why, with
 * Acknowledge. Rules are edited in the admin dashboard. Nothing shows for people who may not read
 * alarms (installers): their 403 just hides the section.
 */
export function SiteAlarms({ siteId }: { siteId: string }) {
  const [alarms, setAlarms] = useState<AlarmView[] | null>(null);

  useEffect(() => {
    let live = true;
    const load = async (): Promise<void> => {
      try {
        const { alarms: list } = await api.listAlarms(siteId);
        if (live) setAlarms(list);
      } catch {
        if (live) setAlarms(null);
      }
    };
    void load();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [siteId]);

  if (alarms === null) return null;
  const firing = alarms.filter((a) => a.state === 'ALARM');
  return (
    <section className="card" data-testid="site-alarms">
      <h2>Alarms</h2>
      {firing.length === 0 ? (
        <p className="muted" data-testid="site-alarms-none">
          All clear.
        </p>
      ) : (
        <ul className="site-alarms">
          {firing.map((a) => (
            <li key={a.id} data-testid="site-alarm" data-kind={a.kind}>
              <strong>{ALARM_LABELS[a.kind]}</strong>: {a.reason}{' '}
              {a.acknowledgedAt === null ? (
                <button
                  type="button"
                  className="btn"
                  data-testid="site-alarm-acknowledge"
                  onClick={() =>
                    void api
                      .acknowledgeAlarm(siteId, a.id)
                      .then((view) =>
                        setAlarms((list) => list && list.map((x) => (x.id === a.id ? view : x))),
                      )
                      .catch(() => undefined)
                  }
                >
                  Acknowledge
                </button>
              ) : (
                <span className="muted" data-testid="site-alarm-acknowledged">
                  acknowledged
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
