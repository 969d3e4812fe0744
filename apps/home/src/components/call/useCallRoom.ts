import { useEffect, useState } from 'react';
import { PorchlightClient, type ProducerInfo } from '@porchlight/sdk';
import { exposeTestHook } from '@porchlight/web-ui';
import { session } from '../../auth/services.ts';

export interface CallRoom {
  client: PorchlightClient | null;
  /** The visitor's camera and microphone, once received. */
  video: MediaStreamTrack | null;
  audio: MediaStreamTrack | null;
}

/**
 * A homeowner's peer in one call's media room (role `callee`): receives the visitor's camera and
 * microphone. Used for the ringing preview and, by the answerer, for the call itself
 * (`expose`: the e2e tests read its stats). Closed on unmount.
 */
export function useCallRoom(callId: string, expose = false): CallRoom {
  const [room, setRoom] = useState<CallRoom>({ client: null, video: null, audio: null });

  useEffect(() => {
    const client = new PorchlightClient({ token: session.getToken, callId });
    if (expose) exposeTestHook('callClient', client);
    const watched = new Set<string>();
    const watch = (p: ProducerInfo): void => {
      if ((p.source !== 'camera' && p.source !== 'microphone') || watched.has(p.producerId)) return;
      watched.add(p.producerId);
      client.watch(p.producerId).catch(() => watched.delete(p.producerId));
    };
    const offs = [
      client.on('producerAdded', watch),
      client.on('joined', () => client.producers.forEach(watch)),
      client.on('remoteTrack', (sub, track) => {
        if (sub.source === 'camera') setRoom((r) => ({ ...r, video: track }));
        else if (sub.source === 'microphone') setRoom((r) => ({ ...r, audio: track }));
      }),
    ];
    setRoom({ client, video: null, audio: null });
    // Failures (the call ended meanwhile) show as no picture; the call's state says why.
    client.connect().catch(() => undefined);
    return () => {
      for (const off of offs) off();
      client.close();
    };
  }, [callId, expose]);

  return room;
}
