import { useCallback } from 'react';
import type { Device } from '@porchlight/sdk';
import { publicApi } from '../../auth/services.ts';
import { useStore } from '../../store/index.ts';
import { useVisitorCall } from './useVisitorCall.ts';
import { useWakeLock } from './useWakeLock.ts';
import { VisitorCallPanel } from './VisitorCallPanel.tsx';
import '../../styles/call.css';

/**
 * A doorbell device's own Ring button (camera mode of a device of kind `doorbell`): rings its
 * door with its device token (`ringOwnDoor`) and runs the same call screen as a visitor's phone.
 */
export function DoorbellRing({ device }: { device: Device }) {
  const token = useStore((s) => s.liveToken);
  const name = useStore((s) => s.deviceName) ?? device.name;
  const ring = useCallback(() => {
    if (typeof token !== 'function') throw new Error('This doorbell has no device credential.');
    return publicApi.withToken(token).ringOwnDoor(device.siteId, device.id);
  }, [token, device.siteId, device.id]);
  const call = useVisitorCall(ring);
  useWakeLock();
  return (
    <div className="doorbell-ring" data-testid="doorbell-ring">
      <VisitorCallPanel
        doorName={name}
        state={call.state}
        onRing={call.start}
        onHangUp={call.hangUp}
      />
    </div>
  );
}
