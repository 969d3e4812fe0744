import { useEffect, useState, type FormEvent } from 'react';
import type { DndPeriod, Door } from '@porchlight/protocol';
import { describeApiError } from '@porchlight/sdk';
import { api } from '../../../auth/services.ts';
import { periodError, periodHint } from './dndPeriod.ts';

interface Props {
  door: Door;
  onSaved: (door: Door) => void;
}

/** Monday first, as people read a week; values are the contract's (0 = Sunday). */
const DAYS: { value: number; label: string }[] = [
  { value: 1, label: 'Mon' },
  { value: 2, label: 'Tue' },
  { value: 3, label: 'Wed' },
  { value: 4, label: 'Thu' },
  { value: 5, label: 'Fri' },
  { value: 6, label: 'Sat' },
  { value: 0, label: 'Sun' },
];

/** The contract allows this many periods. */
const MAX_PERIODS = 14;
function ClockField(props: {
  label: string;
  testId: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        type="time"
        data-testid={props.testId}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The weekly do-not-disturb schedule of a door: periods of days with a from/to time in one time
 * zone. During a period nobody is rung and visitors are told the household does not take calls.
 */
export function DndScheduleEditor({ door, onSaved }: Props) {
  const [periods, setPeriods] = useState<DndPeriod[]>(door.dnd.schedule);
  const [timeZone, setTimeZone] = useState(door.dnd.timeZone);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);

  useEffect(() => {
    setPeriods(door.dnd.schedule);
    setTimeZone(door.dnd.timeZone);
  }, [door]);

  const change = (i: number, p: Partial<DndPeriod>): void => {
    setStatus(null);
    setPeriods((all) => all.map((old, j) => (j === i ? { ...old, ...p } : old)));
  };

  const toggleDay = (i: number, day: number, on: boolean): void => {
    const days = periods[i]!.days.filter((d) => d !== day);
    change(i, { days: on ? [...days, day].sort() : days });
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setTried(true);
    setError(null);
    setStatus(null);
    if (periods.some((p) => periodError(p) !== null)) {
      setError('Fix the periods marked below.');
      return;
    }
    if (timeZone.trim() === '') {
      setError('Enter a time zone, e.g. Europe/Berlin.');
      return;
    }
    setBusy(true);
    api
      .updateDoor(door.siteId, door.id, {
        dnd: { enabled: door.dnd.enabled, schedule: periods, timeZone: timeZone.trim() },
      })
      .then(
        (d) => {
          onSaved(d);
          setTried(false);
          setStatus(d.dndActive ? 'Saved — do not disturb is on now' : 'Saved');
        },
        (err: unknown) => setError(describeApiError(err)),
      )
      .finally(() => setBusy(false));
  };

  const here = browserZone();
  return (
    <form className="form dnd-schedule" onSubmit={submit} data-testid="dnd-schedule" noValidate>
      <h3>Do-not-disturb schedule</h3>
      <p className="muted small">
        Nobody is rung during these times; visitors are told the household does not take calls.
      </p>
      {periods.length === 0 && (
        <p className="muted small" data-testid="dnd-none">
          No scheduled quiet times.
        </p>
      )}
      {periods.map((p, i) => {
        const problem = tried ? periodError(p) : null;
        const hint = periodHint(p);
        return (
          <fieldset className="dnd-period" key={i} data-testid="dnd-period">
            <legend className="muted small">Quiet time {i + 1}</legend>
            <div className="dnd-days" role="group" aria-label="Days">
              {DAYS.map((d) => (
                <label key={d.value} className="check dnd-day">
                  <input
                    type="checkbox"
                    data-testid={`dnd-day-${d.value}`}
                    checked={p.days.includes(d.value)}
                    onChange={(e) => toggleDay(i, d.value, e.target.checked)}
                  />
                  <span>{d.label}</span>
                </label>
              ))}
            </div>
            <div className="dnd-times">
              <ClockField
                label="From"
                testId="dnd-start"
                value={p.start}
                onChange={(start) => change(i, { start })}
              />
              <ClockField
                label="To"
                testId="dnd-end"
                value={p.end}
                onChange={(end) => change(i, { end })}
              />
              <button
                type="button"
                className="icon-btn"
                data-testid="dnd-remove"
                onClick={() => {
                  setStatus(null);
                  setPeriods((all) => all.filter((_, j) => j !== i));
                }}
              >
                Remove
              </button>
            </div>
            {hint && <p className="muted small">{hint}</p>}
            {problem && (
              <p className="field__error" role="alert" data-testid="dnd-period-error">
                {problem}
              </p>
            )}
          </fieldset>
        );
      })}
      <label className="field">
        <span>Time zone of the schedule</span>
        <input
          data-testid="dnd-timezone"
          value={timeZone}
          maxLength={64}
          onChange={(e) => {
            setStatus(null);
            setTimeZone(e.target.value);
          }}
        />
      </label>
      {timeZone !== here && (
        <button
          type="button"
          className="icon-btn"
          data-testid="dnd-use-local-zone"
          onClick={() => setTimeZone(here)}
        >
          Use this device's time zone ({here})
        </button>
      )}
      <div className="actions">
        <button
          type="button"
          className="icon-btn"
          data-testid="dnd-add-period"
          disabled={periods.length >= MAX_PERIODS}
          onClick={() => {
            setStatus(null);
            setPeriods((all) => [...all, { days: [1, 2, 3, 4, 5], start: '22:00', end: '07:00' }]);
          }}
        >
          Add quiet time
        </button>
        <button type="submit" className="btn btn--small" disabled={busy} data-testid="dnd-save">
          Save schedule
        </button>
        {status && (
          <span className="muted small" role="status" data-testid="dnd-status">
            {status}
          </span>
        )}
      </div>
      {error && (
        <p className="field__error" role="alert" data-testid="dnd-error">
          {error}
        </p>
      )}
    </form>
  );
}
