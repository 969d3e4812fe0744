import { useStore } from '../store/index.ts';

/**
 * The site a per-site page shows: a labelled select over the admin's site list. With `all`, the
 * first choice is every site at once (shown while `value` is null).
 */
export function SitePicker({
  value,
  onChange,
  testId,
  all,
}: {
  value: string | null;
  onChange: (siteId: string) => void;
  testId: string;
  all?: { label: string; onPick: () => void };
}) {
  const sites = useStore((s) => s.sites);
  return (
    <label className="field">
      <span>Site</span>
      <select
        data-testid={testId}
        value={value ?? ''}
        onChange={(e) => (e.target.value === '' ? all?.onPick() : onChange(e.target.value))}
      >
        {all && <option value="">{all.label}</option>}
        {(sites ?? []).map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  );
}
