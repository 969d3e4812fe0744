import { useEffect, useRef, useState } from 'react';
import type { CallView } from '@porchlight/protocol';
import { describeApiError } from '@porchlight/sdk';
import { api } from '../../auth/services.ts';
import type { RouteOf } from '../../routing/routes.ts';
import { useStore } from '../../store/index.ts';
import { BackToLive } from '../routes/BackToLive.tsx';
import { answeredHere, markAnsweredHere } from './answeredHere.ts';
import { callEndedText } from './callText.ts';
import { deviceLabel } from './deviceLabel.ts';
import { InCall } from './InCall.tsx';
import { IncomingCallOverlay } from './IncomingCallOverlay.tsx';
import { useCallNotifications } from './useCallNotifications.ts';
import '../../styles/call.css';

/**
 * `/calls/:callId`: a ringing call (Answer/Decline), the call itself once this person answered,
 * or what became of it. `?action=answer|decline` (a notification's button) acts on load.
 */
export function CallScreen({ route }: { route: RouteOf<'call'> }) {
  const navigate = useStore((s) => s.navigate);
  const accountId = useStore((s) => s.account?.id ?? null);
  const [call, setCall] = useState<CallView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [declined, setDeclined] = useState(false);
  const acted = useRef<string | null>(null);

  const act = (action: 'answer' | 'decline' | null): void => {
    const { callId } = route;
    setBusy(true);
    setError(null);
    const request =
      action === 'answer'
        ? api.answerCall(callId, deviceLabel())
        : action === 'decline'
          ? api.declineCall(callId)
          : api.getCall(callId);
    request
      .then(
        (c) => {
          if (action === 'answer') markAnsweredHere(c.callId);
          setCall(c);
          if (action === 'decline') setDeclined(true);
        },
        (e: unknown) => {
          setError(describeApiError(e));
          // Show what became of the call (answered elsewhere, ended).
          api.getCall(callId).then(setCall, () => undefined);
        },
      )
      .finally(() => setBusy(false));
  };

  // The action of the address runs once per call; the address then forgets it (a reload must
  // not repeat it, and dropping it must not start a second, racing request).
  useEffect(() => {
    if (acted.current === route.callId) return;
    acted.current = route.callId;
    act(route.action);
    if (route.action) navigate({ ...route, action: null }, { replace: true });
  }, [route.callId, route.action]);

  useCallNotifications((n) => {
    if (n.name === 'callUpdated' && n.payload.call.callId === route.callId) setCall(n.payload.call);
    else if (n.name === 'callRinging' && n.payload.call.callId === route.callId)
      setCall(n.payload.call);
  });

  const hangUp = (): void => {
    api.hangUpCall(route.callId).then(setCall, (e: unknown) => setError(describeApiError(e)));
  };

  let body;
  if (!call) {
    body = error ? (
      <p className="hint hint--warn">{error}</p>
    ) : (
      <p className="connecting">Loading the call…</p>
    );
  } else if (call.state === 'ringing' && !declined) {
    body = (
      <IncomingCallOverlay
        call={call}
        busy={busy}
        onAnswer={() => act('answer')}
        onDecline={() => act('decline')}
      />
    );
  } else if (
    call.state === 'answered' &&
    call.answeredBy?.accountId === accountId &&
    answeredHere(call.callId)
  ) {
    body = <InCall call={call} onHangUp={hangUp} />;
  } else {
    const text =
      call.state === 'answered' && call.answeredBy
        ? `Answered by ${call.answeredBy.name} on ${call.answeredBy.deviceLabel}`
        : call.state === 'ringing'
          ? 'You declined this call; others may still answer.'
          : callEndedText(call);
    body = (
      <section className="notice">
        <h1>{call.doorName}</h1>
        <p data-testid="call-result">{text}</p>
        <BackToLive />
      </section>
    );
  }
  return (
    <div className="call-screen" data-testid="call-screen" data-call-id={route.callId}>
      {error && call && <p className="hint hint--warn">{error}</p>}
      {body}
    </div>
  );
}
