import { useEffect, useState } from 'react';
import { describeApiError } from '@porchlight/sdk';
import { api } from '../../auth/services.ts';
import { useStore } from '../../store/index.ts';
import { IncomingCallOverlay } from './IncomingCallOverlay.tsx';
import { ringtone } from './ringtone.ts';
import { useRingingCalls } from './useRingingCalls.ts';
import '../../styles/call.css';

/**
 * On every screen of a logged-in person: the incoming-call overlay and its ringtone while a door
 * rings, and "Answered by … on …" when another device took it. Answer opens the call screen.
 */
export function IncomingCalls() {
  const { ringing, notice, dismiss } = useRingingCalls();
  const route = useStore((s) => s.route);
  const navigate = useStore((s) => s.navigate);
  const setBanner = useStore((s) => s.setBanner);
  const [busy, setBusy] = useState(false);
  // The call screen of a call shows that call itself.
  const onScreen = route.name === 'call' ? route.callId : null;
  const call = ringing.find((c) => c.callId !== onScreen) ?? null;

  const sounding = call !== null;
  useEffect(() => {
    if (sounding) ringtone.start();
    else ringtone.stop();
  }, [sounding]);
  useEffect(() => () => ringtone.stop(), []);

  const decline = (callId: string): void => {
    setBusy(true);
    dismiss(callId);
    api
      .declineCall(callId)
      .catch((e: unknown) => setBanner(describeApiError(e)))
      .finally(() => setBusy(false));
  };

  return (
    <>
      {call && (
        <IncomingCallOverlay
          key={call.callId}
          call={call}
          busy={busy}
          onAnswer={() => navigate({ name: 'call', callId: call.callId, action: 'answer' })}
          onDecline={() => decline(call.callId)}
        />
      )}
      {notice && notice.callId !== onScreen && (
        <p className="call-toast" role="status" data-testid="call-answered-elsewhere">
          {notice.text}
        </p>
      )}
    </>
  );
}
