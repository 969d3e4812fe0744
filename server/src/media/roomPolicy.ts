import { DEVICE_UI_ACTIONS, type Action, type Source } from '@porchlight/protocol';
import { deviceResource } from '../identity/authorization/resources.ts';
import { PorchlightError } from '../errors.ts';
import type { Peer, ProducerView } from './Peer.ts';
import { factsOf } from './mediaInfo.ts';
import { mayConsume } from './sources.ts';

/**
 * Who may consume and publish what inside one site's room: the source semantics of sources.ts
 * plus the Authorizer's permission on the device. Pure: the Room passes in what it knows.
 */

/** Whether `peer` may consume `producer` now. */
export function consumeAllowed(siteId: string, peer: Peer, producer: ProducerView): boolean {
  if (!mayConsume(peer.role, peer.id, factsOf(producer))) return false;
  const a = producer.appData;
  if (a.source === 'talkback') {
    return (
      peer.deviceId !== undefined &&
      peer.can('stream:receive-talk', deviceResource(siteId, peer.deviceId))
    );
  }
  return (
    a.deviceId !== undefined && peer.can('stream:view-live', deviceResource(siteId, a.deviceId))
  );
}

/**
 * Why `peer` may not publish `source` now, or undefined when it may: talk-back is addressed to
 * one camera and needs stream:talk on its device; camera/microphone need stream:publish on the
 * peer's own device. Asked when producing and again when permissions change.
 */
export function publishDenial(
  siteId: string,
  peer: Peer,
  source: Source,
  /** The talk-back's target: a peer here, or what the directory says of one on another node. */
  target: Pick<Peer, 'role' | 'deviceId'> | undefined,
): PorchlightError | undefined {
  if (source === 'talkback') {
    if (!target || target.role !== 'camera' || target.deviceId === undefined) {
      return PorchlightError.notFound('target camera');
    }
    return peer.can('stream:talk', deviceResource(siteId, target.deviceId))
      ? undefined
      : PorchlightError.forbidden('not allowed to talk through this camera');
  }
  return peer.deviceId !== undefined &&
    peer.can('stream:publish', deviceResource(siteId, peer.deviceId))
    ? undefined
    : PorchlightError.forbidden('not allowed to publish');
}

/**
 * The camera a talk-back without `targetPeerId` goes to: the one camera whose media the viewer
 * consumes right now ("the camera being watched"). Watching none or several is ambiguous: the
 * caller must name the target, so nobody is ever talked to by surprise.
 */
export function watchedCamera(
  peer: Peer,
  producerById: (id: string) => ProducerView | undefined,
): string {
  const cameras = new Set<string>();
  for (const consumer of peer.consumers.values()) {
    const producer = producerById(consumer.producerId);
    if (producer && producer.appData.source !== 'talkback') cameras.add(producer.appData.peerId);
  }
  const [only] = cameras;
  if (cameras.size === 1 && only !== undefined) return only;
  throw PorchlightError.badRequest(
    cameras.size === 0
      ? 'talkback needs targetPeerId: not watching any camera'
      : `talkback needs targetPeerId: watching ${cameras.size} cameras`,
  );
}

/**
 * What `peer` may do with the device that published `producer` (announced as `allowed`, so apps
 * show only the controls that will work). Talk-back belongs to no device: nothing.
 */
export function allowedActions(siteId: string, peer: Peer, producer: ProducerView): Action[] {
  const deviceId = producer.appData.deviceId;
  if (deviceId === undefined) return [];
  const resource = deviceResource(siteId, deviceId);
  return DEVICE_UI_ACTIONS.filter((action) => peer.can(action, resource));
}
