import { useStore } from '../store/index.ts';
import { ConnectionBadge } from './ConnectionBadge.tsx';

export function Header() {
  const role = useStore((s) => s.role);
  return (
    <header className="header">
      <span className="brand">
        <img src="/icon.svg" alt="" width={24} height={24} />
        Porchlight
      </span>
      {role && <span className="role">{role === 'camera' ? 'Camera' : 'Live view'}</span>}
      <ConnectionBadge />
    </header>
  );
}
