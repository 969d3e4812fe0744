/**
 * The signaling protocol: one table of client->server requests (each acknowledged with an
 * {@link Ack}) and one of server->client notifications. Runtime schemas are the source of truth;
 * the TypeScript types derive from them.
 */
import { z } from 'zod';
import {
  DtlsParametersSchema,
  IdSchema,
  RtpCapabilitiesSchema,
  RtpParametersSchema,
  type DtlsParameters,
  type IceCandidate,
  type IceParameters,
  type RtpCapabilities,
  type RtpParameters,
} from './media.ts';
import { TextSchema } from './text.ts';
import type { Ack } from './errors.ts';
import type { AnsweredBy, CallOutcome, CallView } from './rest/calls.ts';
import type { EventView } from './rest/events.ts';
import type { DetectionSettings } from './detection.ts';
import type { AlarmState } from './alarms.ts';
import type { AlarmView } from './rest/alarms.ts';
import type { Action } from './rest/enums.ts';

/**
 * Who a connection is: bound by its token, never by anything the client says later. In a call's
 * media room (join with `callId`) the visitor's side is `visitor` and homeowners are `callee`.
 */
export const RoleSchema = z.enum(['camera', 'viewer', 'visitor', 'callee']);
export type Role = z.infer<typeof RoleSchema>;

/**
 * What a producer carries. Cameras publish `camera` video and `microphone` audio; viewers publish
 * `talkback` audio that is routed to cameras (push-to-talk). In a call room the visitor publishes
 * `camera` and `microphone`, the answerer `callAudio` and (when turned on) `callVideo`.
 */
export const SourceSchema = z.enum(['camera', 'microphone', 'talkback', 'callAudio', 'callVideo']);
export type Source = z.infer<typeof SourceSchema>;

const label = TextSchema(64);

/** A producer as announced to peers allowed to consume it. */
export interface ProducerInfo {
  producerId: string;
  peerId: string;
  /** Human label of the publishing device ("Front door"). */
  label: string;
  /** The publishing device (cameras; null for people talking back): links live tiles to
   * recordings and device settings. */
  deviceId: string | null;
  kind: 'audio' | 'video';
  source: Source;
  paused: boolean;
  /** Number of simulcast layers (1 = no simulcast). */
  layers: number;
  /**
   * What the receiving peer may do with the publishing device now (of {@link DEVICE_UI_ACTIONS});
   * empty for talk-back. Computed per recipient; re-sent in `producerUpdated` when grants change.
   * Apps show only the controls these allow; the server still checks every request.
   */
  allowed: Action[];
}

/** The per-device actions announced in {@link ProducerInfo.allowed}. */
export const DEVICE_UI_ACTIONS = [
  'stream:view-live',
  'stream:view-recording',
  'recording:manage',
  'stream:talk',
  'device:manage',
] as const satisfies readonly Action[];

/** An entry of RTCConfiguration.iceServers. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface JoinResponse {
  peerId: string;
  siteId: string;
  role: Role;
  /** Set when this peer joined a call's media room. */
  callId?: string;
  /** This peer's label: a device's registered name (renames follow as `deviceRenamed`). */
  label: string;
  routerRtpCapabilities: RtpCapabilities;
  iceServers: IceServer[];
  /** When the TURN credentials in iceServers expire (unix ms); refresh with getIceServers before. */
  iceServersExpiresAt?: number;
  /** Producers this peer may consume, present at join time. */
  producers: ProducerInfo[];
}

export interface TransportInfo {
  id: string;
  iceParameters: IceParameters;
  iceCandidates: IceCandidate[];
  dtlsParameters: DtlsParameters;
}

export interface ConsumerInfo {
  id: string;
  producerId: string;
  kind: 'audio' | 'video';
  rtpParameters: RtpParameters;
  /** 'simulcast' when layers can be chosen with setConsumerLayers. */
  type: 'simple' | 'simulcast' | 'svc' | 'pipe';
}

/** Request schemas, by event name. */
export const RequestSchemas = {
  /** siteId: which site to watch (accounts with several sites); devices always join their own. */
  /**
   * callId: join that doorbell call's own media room instead of the site's (visitors must; a
   * homeowner who may answer the door may, to preview the visitor and, once answerer, to talk).
   */
  join: z.strictObject({
    label: label.optional(),
    /** Devices: firmware or app version, kept in the device registry (ignored for people). */
    firmware: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .regex(/^[\x20-\x7e]+$/, 'printable ASCII only')
      .optional(),
    siteId: IdSchema.optional(),
    callId: IdSchema.optional(),
  }),
  createTransport: z.strictObject({ direction: z.enum(['send', 'recv']) }),
  connectTransport: z.strictObject({ transportId: IdSchema, dtlsParameters: DtlsParametersSchema }),
  restartIce: z.strictObject({ transportId: IdSchema }),
  closeTransport: z.strictObject({ transportId: IdSchema }),
  /** Fresh ICE servers (short-lived TURN credentials) before the current ones expire. */
  getIceServers: z.strictObject({}),
  produce: z.strictObject({
    transportId: IdSchema,
    kind: z.enum(['audio', 'video']),
    rtpParameters: RtpParametersSchema,
    source: SourceSchema,
    paused: z.boolean().optional(),
    /**
     * For talkback: the camera peer to talk to. Default: the one camera whose media the caller
     * consumes; none or several is BAD_REQUEST (docs/protocol.md).
     */
    targetPeerId: IdSchema.optional(),
  }),
  closeProducer: z.strictObject({ producerId: IdSchema }),
  pauseProducer: z.strictObject({ producerId: IdSchema }),
  resumeProducer: z.strictObject({ producerId: IdSchema }),
  consume: z.strictObject({
    transportId: IdSchema,
    producerId: IdSchema,
    rtpCapabilities: RtpCapabilitiesSchema,
  }),
  resumeConsumer: z.strictObject({ consumerId: IdSchema }),
  closeConsumer: z.strictObject({ consumerId: IdSchema }),
  setConsumerLayers: z.strictObject({
    consumerId: IdSchema,
    spatialLayer: z.number().int().min(0).max(3),
    temporalLayer: z.number().int().min(0).max(3).optional(),
  }),
} as const;

export type RequestName = keyof typeof RequestSchemas;
export type RequestOf<K extends RequestName> = z.infer<(typeof RequestSchemas)[K]>;

/** Response payloads, by event name. */
export interface ResponseMap {
  join: JoinResponse;
  createTransport: TransportInfo;
  connectTransport: Record<string, never>;
  restartIce: { iceParameters: IceParameters };
  closeTransport: Record<string, never>;
  getIceServers: { iceServers: IceServer[]; expiresAt?: number };
  produce: { producerId: string };
  closeProducer: Record<string, never>;
  pauseProducer: Record<string, never>;
  resumeProducer: Record<string, never>;
  consume: ConsumerInfo;
  resumeConsumer: Record<string, never>;
  closeConsumer: Record<string, never>;
  setConsumerLayers: Record<string, never>;
}

export const REQUEST_NAMES = Object.keys(RequestSchemas) as RequestName[];

export function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(RequestSchemas, name);
}

/** Server->client notifications. */
export interface NotificationMap {
  /** A producer this peer may consume appeared. */
  producerAdded: ProducerInfo;
  /**
   * An announced producer changed for this peer: its device was renamed (`label`) or what this
   * peer may do with the device changed (`allowed`, after a grant change). Replaces the entry.
   */
  producerUpdated: ProducerInfo;
  /** Sent to a device's own peer when an owner renamed it (its producers follow). */
  deviceRenamed: { deviceId: string; name: string };
  /** A producer went away; its consumers are closed too. */
  producerClosed: { producerId: string };
  producerPaused: { producerId: string };
  producerResumed: { producerId: string };
  /** The server closed one of this peer's consumers (e.g. its producer left). */
  consumerClosed: { consumerId: string };
  /** Current simulcast layers of a consumer changed (null: nothing flowing). */
  consumerLayersChanged: { consumerId: string; spatialLayer: number | null };
  /**
   * The media session was torn down server side (worker died and the site moved to a new one).
   * Signaling stays up: the client must create transports again and re-publish/re-consume.
   */
  mediaReset: { reason: string; routerRtpCapabilities: RtpCapabilities };
  /**
   * This node is going away (drain, rolling restart): disconnect and connect again through the
   * same URL after `afterMs` (spread so clients do not all arrive at once); the balancer sends
   * the new connection to another node. Join again and re-establish media as after a drop.
   */
  reconnect: { reason: string; afterMs: number };
  /**
   * To every open socket of every account that may answer the door (joined or not): a call
   * started ringing. `call.snapshotUrl` may still be null; a `callUpdated` brings it.
   */
  callRinging: { call: CallView };
  /**
   * To the same sessions: the call changed. `state` answered: `call.answeredBy` says who and on
   * which device (stop ringing everywhere else); ended: `call.outcome`. Also sent when the
   * snapshot arrives (`call.snapshotUrl`) and when one's own account declined (`declinedBy`).
   */
  callUpdated: { call: CallView; declinedBy?: { accountId: string } };
  /** To the visitor: somebody answered (the answerer's media follows in the call room). */
  callAnswered: { callId: string; answeredBy: Pick<AnsweredBy, 'name'> };
  /** To the visitor: the call is over (hung up, missed, declined, too long). */
  callEnded: { callId: string; outcome: CallOutcome; reason: string };
  /**
   * To the visitor: a text from the answerer, to show and speak. A door screen without voices
   * fetches its speech by `replyId` (`GET /api/v1/visit/call/replies/:replyId/speech`).
   */
  quickReply: { callId: string; text: string; sentAt: number; replyId: string };
  /**
   * To every open socket of every account that may watch the camera's recordings (joined or
   * not), when the camera's detection settings have `notify` on: an event started, changed (track,
   * zones, snapshot) or ended.
   */
  detection: { kind: DetectionNotificationKind; event: EventView };
  /** To the camera's own sockets: its detection settings changed (apply them at once). */
  detectionSettings: { deviceId: string; settings: DetectionSettings };
  /**
   * To every open socket of the site's owners and of admins (joined or not): an alarm changed
   * state (`from` -> `alarm.state`), unless it is muted (docs/operations.md "Alarms").
   */
  alarm: { alarm: AlarmView; from: AlarmState };
}

export const DETECTION_NOTIFICATION_KINDS = ['started', 'updated', 'ended'] as const;
export type DetectionNotificationKind = (typeof DETECTION_NOTIFICATION_KINDS)[number];

export type NotificationName = keyof NotificationMap;

/** socket.io typed events, client -> server. */
export type ClientToServerEvents = {
  [K in RequestName]: (payload: RequestOf<K>, ack: (res: Ack<ResponseMap[K]>) => void) => void;
};

/** socket.io typed events, server -> client. */
export type ServerToClientEvents = {
  [K in NotificationName]: (payload: NotificationMap[K]) => void;
};

/** What a client puts in socket.io's `auth` at connect time. */
export interface HandshakeAuth {
  token: string;
  /** The client's protocol version (`PROTOCOL_VERSION`); checked when sent. */
  protocol?: number;
}
