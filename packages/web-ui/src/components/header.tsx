/** Pieces of the header bar both apps show (the bar itself differs: see each app's Header). */

/** Icon and name; `suffix` names the app ("admin"). */
export function Brand({ icon, suffix }: { icon: string; suffix?: string }) {
  return (
    <span className="brand">
      <img src={icon} alt="" width={24} height={24} />
      {suffix ? (
        <>
          Porchlight <span className="muted">{suffix}</span>
        </>
      ) : (
        'Porchlight'
      )}
    </span>
  );
}

export interface TabItem<T extends string> {
  id: T;
  label: string;
}

interface TabsProps<T extends string> {
  items: readonly TabItem<T>[];
  current: T | null;
  onSelect(id: T): void;
  /** Each tab's test id is this prefix + its id. */
  testIdPrefix: string;
}

/** The sections of the app; the current one is marked for assistive technology (and tests). */
export function Tabs<T extends string>({ items, current, onSelect, testIdPrefix }: TabsProps<T>) {
  return (
    <nav className="tabs" aria-label="Sections">
      {items.map(({ id, label }) => (
        <button
          key={id}
          type="button"
          className="tab"
          data-testid={`${testIdPrefix}${id}`}
          aria-current={id === current ? 'page' : undefined}
          onClick={() => onSelect(id)}
        >
          {label}
        </button>
      ))}
    </nav>
  );
}

interface AccountMenuProps {
  /** Who is logged in, as the app shows it. */
  name: string | undefined;
  nameClassName: string;
  onLogout(): void;
}

export function AccountMenu({ name, nameClassName, onLogout }: AccountMenuProps) {
  return (
    <span className="account">
      <span className={nameClassName}>{name}</span>
      <button type="button" className="icon-btn" data-testid="logout" onClick={onLogout}>
        Log out
      </button>
    </span>
  );
}
