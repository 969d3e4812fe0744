import { useEffect, useState } from 'react';
import {
  ALARM_BREACHES_BELOW,
  ALARM_LABELS,
  ALARM_UNITS,
  type AlarmHistoryEntry,
  type AlarmView,
} from '@porchlight/sdk/rest';
import { formatAgo, formatBytes, formatInstant } from '@porchlight/web-ui';
import { useStore } from '../store/index.ts';
import { SitePicker } from './SitePicker.tsx';

/** The page re-reads states this often while open (alarms change on the server's clock). */
const POLL_MS = 3000;
const HOUR_MS = 3_600_000;

/**
 * A site's alarms: every rule with its state in colour, acknowledge, mute for an hour, edit the
 * threshold, period and M of N; below, the history of state changes, acknowledgements and mutes.
 */
export function AlarmsPage({ siteId }: { siteId: string | null }) {
  const sites = useStore((s) => s.sites);
  const loadSites = useStore((s) => s.loadSites);
  const go = useStore((s) => s.go);
  const alarms = useStore((s) => s.alarms);
  const history = useStore((s) => s.alarmHistory);
  const next = useStore((s) => s.alarmHistoryNext);
  const loadAlarms = useStore((s) => s.loadAlarms);
  const more = useStore((s) => s.moreAlarmHistory);
  const devices = useStore((s) => s.siteDevices);
  const loadSite = useStore((s) => s.loadSite);

  useEffect(() => {
    void loadSites();
  }, [loadSites]);
  const effectiveSite = siteId ?? sites?.[0]?.id ?? null;
  useEffect(() => {
    if (!effectiveSite) return;
    void loadAlarms(effectiveSite);
    void loadSite(effectiveSite);
    const timer = setInterval(() => void loadAlarms(effectiveSite), POLL_MS);
    return () => clearInterval(timer);
  }, [effectiveSite, loadAlarms, loadSite]);

  const deviceName = (id: string | null): string =>
    id === null ? 'Whole site' : (devices?.find((d) => d.id === id)?.name ?? id);

  return (
    <section className="page">
      <h1>Alarms</h1>
      <SitePicker
        testId="alarms-site"
        value={effectiveSite}
        onChange={(siteId) => go({ name: 'alarms', siteId })}
      />
      {alarms === null || !effectiveSite ? (
        <p className="muted">{effectiveSite ? 'Loading…' : 'No sites yet.'}</p>
      ) : (
        <table className="table" data-testid="alarms-table">
          <thead>
            <tr>
              <th>State</th>
              <th>Alarm</th>
              <th>Camera</th>
              <th>Value</th>
              <th>Rule</th>
              <th>Since</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {alarms.map((a) => (
              <AlarmRow
                key={a.id}
                siteId={effectiveSite}
                alarm={a}
                target={deviceName(a.deviceId)}
              />
            ))}
          </tbody>
        </table>
      )}
      <h2>History</h2>
      {history === null ? null : history.length === 0 ? (
        <p className="muted">No state changes yet.</p>
      ) : (
        <table className="table" data-testid="alarm-history">
          <thead>
            <tr>
              <th>When</th>
              <th>Alarm</th>
              <th>What</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {history.map((e) => (
              <HistoryRow key={e.id} entry={e} target={deviceName(e.deviceId)} />
            ))}
          </tbody>
        </table>
      )}
      {next !== null && effectiveSite && (
        <button
          type="button"
          className="icon-btn"
          data-testid="alarm-history-more"
          onClick={() => void more(effectiveSite)}
        >
          Older entries
        </button>
      )}
    </section>
  );
}

const fmt = (value: number | null, unit: string): string => {
  if (value === null) return '—';
  if (unit === 'bytes') return formatBytes(value);
  return `${Math.round(value * 100) / 100}${unit ? ` ${unit}` : ''}`;
};

function AlarmRow({
  siteId,
  alarm: a,
  target,
}: {
  siteId: string;
  alarm: AlarmView;
  target: string;
}) {
  const update = useStore((s) => s.updateAlarm);
  const acknowledge = useStore((s) => s.acknowledgeAlarm);
  const mute = useStore((s) => s.muteAlarm);
  const unmute = useStore((s) => s.unmuteAlarm);
  const [editing, setEditing] = useState(false);
  const unit = ALARM_UNITS[a.kind];
  const muted = a.mutedUntil !== null && a.mutedUntil > Date.now();
  return (
    <>
      <tr
        data-testid={`alarm-${a.id}`}
        data-kind={a.kind}
        className={a.enabled ? '' : 'row--disabled'}
      >
        <td>
          <span
            className={`alarm-state alarm-state--${a.state}`}
            data-testid="alarm-state"
            title={a.reason}
          >
            {a.state}
          </span>
          {a.acknowledgedAt !== null && (
            <span className="muted" data-testid="alarm-acknowledged">
              {' '}
              acknowledged
            </span>
          )}
          {muted && (
            <span className="muted" data-testid="alarm-muted" title={formatInstant(a.mutedUntil!)}>
              {' '}
              muted
            </span>
          )}
        </td>
        <td>{ALARM_LABELS[a.kind]}</td>
        <td>{target}</td>
        <td data-testid="alarm-value">{fmt(a.value, unit)}</td>
        <td>
          {ALARM_BREACHES_BELOW.has(a.kind) ? '<' : '>'} {fmt(a.threshold, unit)},{' '}
          {a.datapointsToAlarm} of {a.evaluationPeriods} × {a.periodSeconds} s
          {a.enabled ? '' : ' (off)'}
        </td>
        <td title={formatInstant(a.stateChangedAt)}>{formatAgo(a.stateChangedAt)}</td>
        <td className="nowrap">
          {a.state === 'ALARM' && a.acknowledgedAt === null && (
            <button
              type="button"
              className="btn"
              data-testid="alarm-acknowledge"
              onClick={() => void acknowledge(siteId, a.id)}
            >
              Acknowledge
            </button>
          )}{' '}
          {muted ? (
            <button
              type="button"
              className="icon-btn"
              data-testid="alarm-unmute"
              onClick={() => void unmute(siteId, a.id)}
            >
              Unmute
            </button>
          ) : (
            <button
              type="button"
              className="icon-btn"
              data-testid="alarm-mute"
              onClick={() => void mute(siteId, a.id, Date.now() + HOUR_MS)}
            >
              Mute 1 h
            </button>
          )}{' '}
          <button
            type="button"
            className="icon-btn"
            data-testid="alarm-edit"
            onClick={() => setEditing(!editing)}
          >
            Edit
          </button>
        </td>
      </tr>
      {editing && (
        <tr>
          <td colSpan={7}>
            <RuleForm
              alarm={a}
              onSave={async (patch) => {
                if (await update(siteId, a.id, patch)) setEditing(false);
              }}
            />
          </td>
        </tr>
      )}
    </>
  );
}

function RuleForm({
  alarm: a,
  onSave,
}: {
  alarm: AlarmView;
  onSave: (patch: {
    threshold: number;
    periodSeconds: number;
    datapointsToAlarm: number;
    evaluationPeriods: number;
    enabled: boolean;
  }) => Promise<void>;
}) {
  const [threshold, setThreshold] = useState(String(a.threshold));
  const [period, setPeriod] = useState(String(a.periodSeconds));
  const [m, setM] = useState(String(a.datapointsToAlarm));
  const [n, setN] = useState(String(a.evaluationPeriods));
  const [enabled, setEnabled] = useState(a.enabled);
  return (
    <form
      className="form-row"
      data-testid="alarm-form"
      onSubmit={(event) => {
        event.preventDefault();
        void onSave({
          threshold: Number(threshold),
          periodSeconds: Number(period),
          datapointsToAlarm: Number(m),
          evaluationPeriods: Number(n),
          enabled,
        });
      }}
    >
      <label className="field">
        <span>Threshold ({ALARM_UNITS[a.kind] || 'value'})</span>
        <input
          data-testid="alarm-threshold"
          inputMode="decimal"
          value={threshold}
          onChange={(e) => setThreshold(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Period (s)</span>
        <input
          data-testid="alarm-period"
          inputMode="numeric"
          value={period}
          onChange={(e) => setPeriod(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Datapoints to alarm (M)</span>
        <input
          data-testid="alarm-m"
          inputMode="numeric"
          value={m}
          onChange={(e) => setM(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Evaluation periods (N)</span>
        <input
          data-testid="alarm-n"
          inputMode="numeric"
          value={n}
          onChange={(e) => setN(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Enabled</span>
        <input
          type="checkbox"
          data-testid="alarm-enabled"
          checked={enabled}
          onChange={(e) => setEnabled(e.target.checked)}
        />
      </label>
      <button type="submit" className="btn" data-testid="alarm-save">
        Save
      </button>
    </form>
  );
}

function HistoryRow({ entry: e, target }: { entry: AlarmHistoryEntry; target: string }) {
  const what =
    e.type === 'state' ? (
      <>
        {e.from} → <span className={`alarm-state alarm-state--${e.to}`}>{e.to}</span>
      </>
    ) : (
      e.type
    );
  return (
    <tr
      data-testid="alarm-history-row"
      data-type={e.type}
      data-to={e.to ?? ''}
      data-alarm={e.alarmId}
    >
      <td title={formatInstant(e.at)}>{formatAgo(e.at)}</td>
      <td>
        {ALARM_LABELS[e.kind]} · {target}
      </td>
      <td>{what}</td>
      <td className="muted">{e.reason}</td>
    </tr>
  );
}
