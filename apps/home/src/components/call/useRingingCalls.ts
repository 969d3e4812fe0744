import { useEffect, useRef, useState } from 'react';
import type { CallView } from '@porchlight/protocol';
import { api } from '../../auth/services.ts';
import { useStore } from '../../store/index.ts';
import { useCallNotifications } from './useCallNotifications.ts';

/** How long "Answered by … on …" stays up on the devices that did not answer. */
const NOTICE_MS = 4000;

export interface RingingCalls {
  /** Calls ringing here now (not declined by this account), oldest first. */
  ringing: CallView[];
  /** "Answered by Ann on Pixel 8" after another device answered a call ringing here. */
  notice: { callId: string; text: string } | null;
  /** Forget a call here (after declining it). */
  dismiss(callId: string): void;
}

/**
 * The doorbell calls ringing for this person, from the live connection's notifications and, at
 * (re)connect, from `listActiveCalls` (a call that started while the app was closed).
 */
export function useRingingCalls(): RingingCalls {
  const [ringing, setRinging] = useState<CallView[]>([]);
  const [notice, setNotice] = useState<RingingCalls['notice']>(null);
  const accountId = useStore((s) => s.account?.id ?? null);
  const connection = useStore((s) => s.connectionState);
  const declined = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** Calls announced, and calls over, since the last `listActiveCalls` was sent. */
  const arrived = useRef(new Set<string>());
  const over = useRef(new Set<string>());

  // The list lives in a ref too: a notification decides from it synchronously.
  const list = useRef<CallView[]>([]);
  const update = (next: CallView[]): void => {
    list.current = next;
    setRinging(next);
  };
  const put = (call: CallView): void =>
    update([...list.current.filter((c) => c.callId !== call.callId), call]);
  const remove = (callId: string): void => update(list.current.filter((c) => c.callId !== callId));

  useEffect(() => {
    if (connection !== 'connected') return;
    let stale = false;
    arrived.current = new Set();
    over.current = new Set();
    api.listActiveCalls().then(
      (calls) => {
        if (stale) return;
        // The server's list replaces ours (a call that ended while we were away must not ring),
        // except for rings announced while it was on its way.
        const listed = calls.filter(
          (c) =>
            c.state === 'ringing' && !declined.current.has(c.callId) && !over.current.has(c.callId),
        );
        const announced = list.current.filter(
          (c) => arrived.current.has(c.callId) && !listed.some((l) => l.callId === c.callId),
        );
        update([...listed, ...announced]);
      },
      () => undefined,
    );
    return () => {
      stale = true;
    };
  }, [connection]);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  useCallNotifications((n) => {
    if (n.name === 'callRinging') {
      arrived.current.add(n.payload.call.callId);
      if (!declined.current.has(n.payload.call.callId)) put(n.payload.call);
      return;
    }
    if (n.name !== 'callUpdated') return;
    const { call, declinedBy } = n.payload;
    if (declinedBy && declinedBy.accountId === accountId) declined.current.add(call.callId);
    const shown = list.current.some((c) => c.callId === call.callId);
    if (call.state === 'ringing' && !declined.current.has(call.callId)) {
      // Refresh a call shown here (the snapshot arrived); never resurrect a dismissed one.
      if (shown) update(list.current.map((c) => (c.callId === call.callId ? call : c)));
      return;
    }
    over.current.add(call.callId);
    remove(call.callId);
    if (shown && call.state === 'answered' && call.answeredBy) {
      const by = call.answeredBy;
      setNotice({ callId: call.callId, text: `Answered by ${by.name} on ${by.deviceLabel}` });
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => setNotice(null), NOTICE_MS);
    }
  });

  return {
    ringing,
    notice,
    dismiss: (callId) => {
      declined.current.add(callId);
      remove(callId);
    },
  };
}
