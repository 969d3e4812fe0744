import { z } from 'zod';
import { EmptySchema, ResourceIdSchema, ResponseIdSchema, TextSchema } from './common.ts';
import {
  DoorParamsSchema,
  DoorTokenStringSchema,
  QuickReplySchema,
  UnlockResultSchema,
} from './doors.ts';
import { REST_ENDPOINTS } from './endpoints.ts';
import { BinarySchema, defineRoute, NoInputSchema } from './route.ts';

/**
 * Doorbell calls. A visitor (door token) or the doorbell device rings; every account that may
 * answer the door is notified on its open sockets (`callRinging`, messages.ts) and by Web Push;
 * the first answer wins. Homeowners act through `/api/v1/calls/:callId/*`; the visitor through
 * `/api/v1/visit/*` with the call-scoped visitor credential the ring returned. Media flows in
 * the call's own room: socket `join` with `callId`.
 */

export const CALL_STATES = ['ringing', 'answered', 'ended'] as const;
export const CallStateSchema = z.enum(CALL_STATES);
export type CallState = z.infer<typeof CallStateSchema>;

/**
 * How a call ended: answered (then hung up), missed (nobody answered in the ring window),
 * declined (every recipient declined), cancelled (the visitor left before an answer).
 */
export const CALL_OUTCOMES = ['answered', 'missed', 'declined', 'cancelled'] as const;
export const CallOutcomeSchema = z.enum(CALL_OUTCOMES);
export type CallOutcome = z.infer<typeof CallOutcomeSchema>;

export const AnsweredBySchema = z.object({
  accountId: ResponseIdSchema,
  name: z.string(),
  /** What the answering app called itself ("Pixel 8", "Kitchen tablet"). */
  deviceLabel: z.string(),
});
export type AnsweredBy = z.infer<typeof AnsweredBySchema>;

/** A call as homeowners see it (REST answers and socket notifications). */
export const CallViewSchema = z.object({
  callId: ResponseIdSchema,
  siteId: ResponseIdSchema,
  doorId: ResponseIdSchema,
  doorName: z.string(),
  state: CallStateSchema,
  /** Set once ended. */
  outcome: CallOutcomeSchema.nullable(),
  /** Unix ms. */
  startedAt: z.number(),
  ringWindowMs: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  answeredBy: AnsweredBySchema.nullable(),
  /** Signed, short-lived URL of the visitor's JPEG (null until the door uploaded one). */
  snapshotUrl: z.string().nullable(),
  /** Who rang: a visitor's phone (door token) or the doorbell device itself. */
  via: z.enum(['link', 'doorbell']),
  /** Quick replies of the door, for the answerer's buttons. */
  quickReplies: z.array(z.string()),
  /** The door has an unlock webhook: the answerer may unlock during the call. */
  canUnlock: z.boolean(),
});
export type CallView = z.infer<typeof CallViewSchema>;

/** A call in the door's history. */
export const CallRecordSchema = z.object({
  callId: ResponseIdSchema,
  doorId: ResponseIdSchema,
  startedAt: z.number(),
  outcome: CallOutcomeSchema.nullable(),
  answeredBy: AnsweredBySchema.nullable(),
  /** Seconds between answer and hang-up (0 when not answered). */
  durationSeconds: z.number(),
  snapshotUrl: z.string().nullable(),
  /**
   * Playable video message (signed HLS VOD URL, minted for the caller), null when none was left
   * or the caller may not watch the door's recordings (`stream:view-recording`).
   */
  messageUrl: z.string().nullable(),
  /** Length of the visitor's message (seconds), null when none was left. */
  messageSeconds: z.number().nullable().optional(),
  via: z.enum(['link', 'doorbell']),
});
export type CallRecord = z.infer<typeof CallRecordSchema>;

export const CallPageSchema = z.object({
  calls: z.array(CallRecordSchema),
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: z.number().nullable(),
});
export type CallPage = z.infer<typeof CallPageSchema>;

export const CallParamsSchema = z.strictObject({ callId: ResourceIdSchema });

/** What the visitor sees of its call: no homeowner identities beyond the answerer's name. */
export const VisitorCallSchema = z.object({
  callId: ResponseIdSchema,
  doorName: z.string(),
  state: CallStateSchema,
  outcome: CallOutcomeSchema.nullable(),
  startedAt: z.number(),
  ringWindowMs: z.number(),
  /** First name / display name of the answerer, once answered. */
  answeredByName: z.string().nullable(),
});
export type VisitorCall = z.infer<typeof VisitorCallSchema>;

/** What a ring returns to the visitor (or the doorbell device). */
export const VisitorSessionSchema = z.object({
  /**
   * The call-scoped visitor credential (a JWT, `typ: visitor`): bearer for `/api/v1/visit/*`
   * and the socket handshake (`join` with this `callId`). Refused everywhere else.
   */
  credential: z.string(),
  /** Seconds until the credential expires (ring window + max call duration + margin). */
  expiresIn: z.number(),
  call: VisitorCallSchema,
});
export type VisitorSession = z.infer<typeof VisitorSessionSchema>;

/** The door as a visitor's page shows it before ringing. */
export const DoorPublicSchema = z.object({
  doorName: z.string(),
  /** False while do-not-disturb is on: the page says so instead of offering Ring. */
  available: z.boolean(),
  /** Why not available, for the page ("The household does not take calls right now."). */
  unavailableReason: z.string().nullable(),
  ringWindowSeconds: z.number(),
});
export type DoorPublic = z.infer<typeof DoorPublicSchema>;

/** Largest snapshot accepted, in bytes of JPEG (before base64). */
export const MAX_SNAPSHOT_BYTES = 200 * 1024;

export const SnapshotUploadSchema = z.strictObject({
  /** The JPEG, base64 (standard alphabet); at most MAX_SNAPSHOT_BYTES once decoded. */
  jpeg: z
    .string()
    .min(4)
    .max(Math.ceil(MAX_SNAPSHOT_BYTES / 3) * 4)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64'),
});

const DoorTokenBodySchema = z.strictObject({ doorToken: DoorTokenStringSchema });

export const callRoutes = {
  // --- visitor side ---------------------------------------------------------------------------
  getDoorByToken: defineRoute({
    ...REST_ENDPOINTS.getDoorByToken,
    summary: 'The door behind a door token (name, whether it takes calls now). No login.',
    tag: 'visit',
    params: NoInputSchema,
    query: NoInputSchema,
    body: DoorTokenBodySchema,
    response: DoorPublicSchema,
    status: 200,
  }),
  ringDoor: defineRoute({
    ...REST_ENDPOINTS.ringDoor,
    summary:
      'Ring a door with its door token: starts a call and returns a call-scoped visitor credential. Rate-limited per door and address.',
    tag: 'visit',
    params: NoInputSchema,
    query: NoInputSchema,
    body: DoorTokenBodySchema,
    response: VisitorSessionSchema,
    status: 201,
  }),
  ringOwnDoor: defineRoute({
    ...REST_ENDPOINTS.ringOwnDoor,
    summary:
      'The doorbell device rings its own door (its Ring button): same call as a visitor link, with a visitor credential for the call room.',
    tag: 'visit',
    params: DoorParamsSchema,
    query: NoInputSchema,
    body: EmptySchema,
    response: VisitorSessionSchema,
    status: 201,
  }),
  getVisitorCall: defineRoute({
    ...REST_ENDPOINTS.getVisitorCall,
    summary: "The visitor's call (visitor credential).",
    tag: 'visit',
    params: NoInputSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: VisitorCallSchema,
    status: 200,
  }),
  uploadCallSnapshot: defineRoute({
    ...REST_ENDPOINTS.uploadCallSnapshot,
    summary: "The visitor's JPEG at ring time (visitor credential; once per call; <= 200 kB).",
    tag: 'visit',
    params: NoInputSchema,
    query: NoInputSchema,
    body: SnapshotUploadSchema,
    response: z.object({ snapshotUrl: z.string() }),
    status: 201,
  }),
  visitorHangUp: defineRoute({
    ...REST_ENDPOINTS.visitorHangUp,
    summary: 'The visitor leaves: cancels a ringing call, ends an answered one.',
    tag: 'visit',
    params: NoInputSchema,
    query: NoInputSchema,
    body: EmptySchema,
    response: VisitorCallSchema,
    status: 200,
  }),
  startVisitorMessage: defineRoute({
    ...REST_ENDPOINTS.startVisitorMessage,
    summary:
      'After a missed call, the visitor starts a video message (visitor credential); then it re-joins the call room and publishes camera and microphone. The server stops it at the cap.',
    tag: 'visit',
    params: NoInputSchema,
    query: NoInputSchema,
    body: EmptySchema,
    response: z.object({ startedAt: z.number(), maxSeconds: z.number() }),
    status: 201,
  }),
  stopVisitorMessage: defineRoute({
    ...REST_ENDPOINTS.stopVisitorMessage,
    summary: 'The visitor ends its message (also when it leaves the room or at the cap).',
    tag: 'visit',
    params: NoInputSchema,
    query: NoInputSchema,
    body: EmptySchema,
    response: z.object({ durationSeconds: z.number() }),
    status: 200,
  }),
  getReplySpeech: defineRoute({
    ...REST_ENDPOINTS.getReplySpeech,
    summary:
      "A quick reply of the visitor's call spoken (WAV), for door screens without voices. 503 when the server cannot render speech.",
    tag: 'visit',
    params: z.strictObject({ replyId: z.string().regex(/^r\d{1,9}$/, 'invalid reply id') }),
    query: EmptySchema,
    body: NoInputSchema,
    response: BinarySchema,
    status: 200,
    produces: 'audio/wav',
  }),
  // --- homeowner side -------------------------------------------------------------------------
  listCalls: defineRoute({
    ...REST_ENDPOINTS.listCalls,
    summary: "A door's call history, newest first.",
    tag: 'calls',
    params: DoorParamsSchema,
    query: z.strictObject({
      /** Only calls started before this (unix ms): the previous page's `nextBefore`. */
      before: z.coerce.number<number>().int().min(0).optional(),
      limit: z.coerce.number<number>().int().min(1).max(100).default(20),
    }),
    body: NoInputSchema,
    response: CallPageSchema,
    status: 200,
  }),
  listActiveCalls: defineRoute({
    ...REST_ENDPOINTS.listActiveCalls,
    summary:
      'Calls ringing or in progress that the caller may answer (for an app that just opened).',
    tag: 'calls',
    params: NoInputSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: z.array(CallViewSchema),
    status: 200,
  }),
  getCall: defineRoute({
    ...REST_ENDPOINTS.getCall,
    summary: 'One call (ringing, in progress or ended).',
    tag: 'calls',
    params: CallParamsSchema,
    query: EmptySchema,
    body: NoInputSchema,
    response: CallViewSchema,
    status: 200,
  }),
  answerCall: defineRoute({
    ...REST_ENDPOINTS.answerCall,
    summary:
      'Answer a ringing call. The first answer wins; a later one is 409 "answered elsewhere".',
    tag: 'calls',
    params: CallParamsSchema,
    query: NoInputSchema,
    body: z.strictObject({ deviceLabel: TextSchema(64) }),
    response: CallViewSchema,
    status: 200,
  }),
  declineCall: defineRoute({
    ...REST_ENDPOINTS.declineCall,
    summary:
      "Decline a ringing call for the caller's account; others keep ringing. Ends the call when every recipient declined.",
    tag: 'calls',
    params: CallParamsSchema,
    query: NoInputSchema,
    body: EmptySchema,
    response: CallViewSchema,
    status: 200,
  }),
  hangUpCall: defineRoute({
    ...REST_ENDPOINTS.hangUpCall,
    summary: 'The answerer hangs up (ends the call for both sides).',
    tag: 'calls',
    params: CallParamsSchema,
    query: NoInputSchema,
    body: EmptySchema,
    response: CallViewSchema,
    status: 200,
  }),
  sendQuickReply: defineRoute({
    ...REST_ENDPOINTS.sendQuickReply,
    summary: 'Show (and speak) a text on the door screen: a preset or custom quick reply.',
    tag: 'calls',
    params: CallParamsSchema,
    query: NoInputSchema,
    body: z.strictObject({ text: QuickReplySchema }),
    response: z.object({ sentAt: z.number() }),
    status: 200,
  }),
  unlockDoor: defineRoute({
    ...REST_ENDPOINTS.unlockDoor,
    summary: "The answerer opens the door: HMAC-signed POST to the door's unlock webhook.",
    tag: 'calls',
    params: CallParamsSchema,
    query: NoInputSchema,
    body: EmptySchema,
    response: UnlockResultSchema,
    status: 200,
  }),
};
