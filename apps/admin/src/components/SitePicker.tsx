import { useStore } from '../store/index.ts';

/** The site a per-site page shows: a labelled select over the admin's site list. */
export function SitePicker({
  value,
  onChange,
  testId,
}: {
  value: string | null;
  onChange: (siteId: string) => void;
  testId: string;
}) {
  const sites = useStore((s) => s.sites);
  return (
    <label className="field">
      <span>Site</span>
      <select data-testid={testId} value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        {(sites ?? []).map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  );
}
