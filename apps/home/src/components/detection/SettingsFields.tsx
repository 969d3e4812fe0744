import {
  DEFAULT_DETECTION_SETTINGS,
  DETECTION_LIMITS,
  type DetectionRunOn,
  type DetectionSettings,
} from '@porchlight/protocol';

/** The settings as typed: numbers stay text until saved, so a half-typed "0." is not lost. */
export type SettingsDraft = {
  [
    K in keyof Omit<DetectionSettings, 'zones' | 'masks' | 'runOn'>
  ]: DetectionSettings[K] extends boolean ? boolean : string;
} & { runOn: DetectionRunOn };

type NumberField = {
  [K in keyof SettingsDraft]: SettingsDraft[K] extends string ? K : never;
}[Exclude<keyof SettingsDraft, 'runOn'>];

/** Where detection runs, as the owner picks it. */
const RUN_ON: { value: DetectionRunOn; label: string }[] = [
  { value: 'auto', label: 'Automatic: the camera if it can, else the server' },
  { value: 'camera', label: 'On the camera' },
  { value: 'server', label: 'On the server' },
];

/** Shown in percent of the frame, stored as a fraction. */
const PERCENT: ReadonlySet<NumberField> = new Set<NumberField>(['minArea', 'maxArea']);

interface NumberSpec {
  field: NumberField;
  label: string;
  unit: string;
  min: number;
  max: number;
  step: number;
  help: string;
}

const D = DEFAULT_DETECTION_SETTINGS;
const pct = (v: number): string => `${Math.round(v * 1000) / 10}`;

const NUMBERS: NumberSpec[] = [
  {
    field: 'minScore',
    label: 'Minimum score',
    unit: '0–1',
    min: 0,
    max: 1,
    step: 0.01,
    help: `A single detection below this score is dropped. People in camera footage score 0.40–0.75; shadows and statues up to ~0.4. Default ${D.minScore}.`,
  },
  {
    field: 'trackScore',
    label: 'Event score',
    unit: '0–1',
    min: 0,
    max: 1,
    step: 0.01,
    help: `A person becomes an event when the median score of their recent detections reaches this. Raise it for fewer false alarms, lower it to catch people far away. Default ${D.trackScore}.`,
  },
  {
    field: 'minArea',
    label: 'Smallest person',
    unit: '% of frame',
    min: 0,
    max: 100,
    step: 0.1,
    help: `Boxes smaller than this are ignored (far away, or noise). Default ${pct(D.minArea)} %.`,
  },
  {
    field: 'maxArea',
    label: 'Largest person',
    unit: '% of frame',
    min: 0,
    max: 100,
    step: 1,
    help: `Boxes larger than this are ignored (something right in front of the lens). Default ${pct(D.maxArea)} %.`,
  },
  {
    field: 'stationarySeconds',
    label: 'Ignore still objects after',
    unit: 'seconds',
    min: 0,
    max: 3600,
    step: 1,
    help: `A "person" that has not moved for this long is a coat on a hook or a poster: it stops counting. 0 turns this off. Default ${D.stationarySeconds} s.`,
  },
  {
    field: 'cooldownSeconds',
    label: 'Join events within',
    unit: 'seconds',
    min: 0,
    max: 600,
    step: 1,
    help: `Someone seen again this soon after an event ended continues that event instead of starting a new one (and a new notification). Default ${D.cooldownSeconds} s.`,
  },
];

export function toDraft(settings: DetectionSettings): SettingsDraft {
  const text = (field: NumberField): string =>
    PERCENT.has(field) ? pct(settings[field]) : String(settings[field]);
  return {
    enabled: settings.enabled,
    notify: settings.notify,
    runOn: settings.runOn,
    minScore: text('minScore'),
    trackScore: text('trackScore'),
    minArea: text('minArea'),
    maxArea: text('maxArea'),
    stationarySeconds: text('stationarySeconds'),
    cooldownSeconds: text('cooldownSeconds'),
  };
}

/** The draft's numbers; a field that is not a number stays as typed so the schema names it. */
export function fromDraft(draft: SettingsDraft): Record<string, unknown> {
  const out: Record<string, unknown> = {
    enabled: draft.enabled,
    notify: draft.notify,
    runOn: draft.runOn,
  };
  for (const { field } of NUMBERS) {
    const raw = draft[field].trim();
    const value = raw === '' ? Number.NaN : Number(raw);
    out[field] = Number.isFinite(value) ? (PERCENT.has(field) ? value / 100 : value) : raw;
  }
  return out;
}

/** The label of a settings field, for error messages. */
export function fieldLabel(field: string): string {
  return NUMBERS.find((n) => n.field === field)?.label ?? field;
}

interface Props {
  draft: SettingsDraft;
  onChange: (draft: SettingsDraft) => void;
}

/** Every setting but the zones, each with what it does and its default. */
export function SettingsFields({ draft, onChange }: Props) {
  return (
    <div className="detection-fields">
      <label className="check">
        <input
          type="checkbox"
          data-testid="detection-enabled"
          checked={draft.enabled}
          onChange={(e) => onChange({ ...draft, enabled: e.target.checked })}
        />
        <span>
          <strong>Detect people</strong>
          <span className="hint">
            The camera&apos;s own browser looks for people; events are recorded and listed under
            Events. Default on.
          </span>
        </span>
      </label>
      <label className="check">
        <input
          type="checkbox"
          data-testid="detection-notify"
          checked={draft.notify}
          onChange={(e) => onChange({ ...draft, notify: e.target.checked })}
        />
        <span>
          <strong>Notify</strong>
          <span className="hint">
            Send an alert for each event (quiet hours under Alerts still apply). Default on.
          </span>
        </span>
      </label>
      <label className="field">
        <span>
          <strong>Where detection runs</strong>
        </span>
        <select
          data-testid="detection-runOn"
          value={draft.runOn}
          onChange={(e) => onChange({ ...draft, runOn: e.target.value as DetectionRunOn })}
        >
          {RUN_ON.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <span className="hint">
          The server runs the same detector on this box (the video still never leaves home) for a
          camera too slow to do it itself: automatic hands over when the camera&apos;s detector
          cannot start or needs more than {DETECTION_LIMITS.cameraMaxMsPerFrame} ms per frame.
          Default automatic.
        </span>
      </label>
      {NUMBERS.map((spec) => (
        <label key={spec.field} className="field">
          <span>
            <strong>{spec.label}</strong> <span className="muted small">({spec.unit})</span>
          </span>
          <input
            type="number"
            inputMode="decimal"
            data-testid={`detection-${spec.field}`}
            min={spec.min}
            max={spec.max}
            step={spec.step}
            value={draft[spec.field]}
            onChange={(e) => onChange({ ...draft, [spec.field]: e.target.value })}
          />
          <span className="hint">{spec.help}</span>
        </label>
      ))}
    </div>
  );
}
