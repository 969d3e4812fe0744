import { useStore } from '../store/index.ts';

/** The live grid without cameras: how one gets here (owners) or whom to ask (others). */
export function EmptyGrid() {
  const mayAdd = useStore((s) => s.canManageDevices);
  const setTab = useStore((s) => s.setTab);
  if (!mayAdd) {
    return (
      <section className="empty" data-testid="empty-grid">
        <h2>No cameras shared with you yet</h2>
        <p>When the owner shares a camera with you and it is online, it shows here.</p>
      </section>
    );
  }
  return (
    <section className="empty" data-testid="empty-grid">
      <h2>No camera is online</h2>
      <p>
        Turn a phone, tablet or old laptop into a camera: create a camera link under Devices and
        open it on that device.
      </p>
      <button
        type="button"
        className="btn"
        data-testid="empty-add-camera"
        onClick={() => setTab('devices')}
      >
        Add a camera
      </button>
    </section>
  );
}
