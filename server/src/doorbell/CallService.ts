import { randomUUID } from 'node:crypto';
import type { AnsweredBy, CallView, UnlockResult, VisitorCall } from '@porchlight/protocol';
import { EnhancedEventEmitter, createLogger } from '@porchlight/runtime';
import { PorchlightError } from '../errors.ts';
import type { CallRepository, CallRow } from '../store/repositories/CallRepository.ts';
import { Call, type EndReason } from './Call.ts';
import type { CallRouter } from './CallRouter.ts';
import { dndActive } from './dnd.ts';
import { displayName, type DoorRecord, type DoorService } from './DoorService.ts';
import { formatMessageRef, parseMessageRef } from './messageRef.ts';
import type {
  CallNotifier,
  CallRoomCloser,
  CallServiceEvents,
  MessageRecorderPort,
} from './ports.ts';
import { RateLimitedError } from '../identity/authentication/RateLimitedError.ts';
import type { WindowLimiter } from '../SlidingWindowLimiter.ts';
import type { SnapshotStore } from './SnapshotStore.ts';
import { callUnlockWebhook } from './UnlockWebhook.ts';

const logger = createLogger('CallService');

/** setTimeout/clearTimeout, injectable so tests drive ring windows and call limits. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface CallServiceOptions {
  doors: DoorService;
  calls: CallRepository;
  /** Accounts that may answer the door (they ring). */
  recipients: (siteId: string, doorId: string) => Promise<string[]>;
  notifier: CallNotifier;
  rooms: CallRoomCloser;
  snapshots: SnapshotStore;
  limits: { perDoor: WindowLimiter; perAddress: WindowLimiter };
  publicUrl: () => string;
  now: () => number;
  timers?: Timers;
  /** Longest answered call (ms); then it is ended. */
  maxCallMs: number;
  /** Records visitors' messages; absent: messages are refused (UNAVAILABLE). */
  messages?: MessageRecorderPort;
  /** Longest message (ms); then the server stops it. */
  maxMessageMs: number;
  /** Retention of a message's recording (the call history's), seconds. */
  messageRetentionSeconds: number;
  fetchImpl?: typeof fetch;
}

/** A message being recorded. */
interface ActiveMessage {
  siteId: string;
  doorId: string;
  startedAt: number;
  /** The recorder's start; stop waits for it. */
  recording: ReturnType<MessageRecorderPort['start']>;
  timer: unknown;
  stopping?: Promise<{ durationSeconds: number }>;
}

/**
 * The doorbell's calls: ringing, the first answer winning, declines, hang-ups, the ring window
 * and the call duration limit, snapshots, quick replies and unlock. Notifies homeowners' and the
 * visitor's sockets through the CallNotifier and emits typed events for Web Push.
 */
export class CallService extends EnhancedEventEmitter<CallServiceEvents> {
  readonly #o: CallServiceOptions;
  readonly #timers: Timers;
  readonly #live = new Map<string, Call>();
  readonly #timer = new Map<string, unknown>();
  readonly #messages = new Map<string, ActiveMessage>();
  #router: CallRouter | undefined;
  #closed = false;

  constructor(o: CallServiceOptions) {
    super();
    this.#o = o;
    this.#timers = o.timers ?? realTimers;
  }

  /**
   * Cluster mode: calls rung on other nodes are served by their node (set once by the
   * composition root, which also has the router serve this node's calls).
   */
  useRouter(router: CallRouter): void {
    this.#router = router;
    router.serve(this);
  }

  /** The node owning `callId` when it is not this one (cluster mode), else null. */
  async #elsewhere(callId: string): Promise<string | null> {
    if (!this.#router || this.#live.has(callId)) return null;
    return this.#router.ownerElsewhere(callId);
  }

  /** Live calls of every node (this node's only on a single box). */
  async liveViews(): Promise<CallView[]> {
    const local = [...this.#live.values()].map((c) => this.view(c));
    return this.#router ? [...local, ...(await this.#router.remoteLive())] : local;
  }

  /** Calls that are ringing or answered on this node. */
  get liveCalls(): ReadonlyMap<string, Call> {
    return this.#live;
  }

  /**
   * Starts a call at `door`: refused while do-not-disturb is on (CONFLICT) or rung too often
   * (RATE_LIMITED with Retry-After); `address` is the client's bucket for link rings.
   */
  async ring(door: DoorRecord, via: 'link' | 'doorbell', address: string | null): Promise<Call> {
    if (this.#closed) throw PorchlightError.unavailable('server shutting down');
    const now = this.#o.now();
    if (dndActive(door.settings, now))
      throw PorchlightError.conflict('The household does not take calls right now.');
    // A refused ring counts against neither limit: only rings that went through do.
    const addressKey = address === null ? null : `addr:${address}`;
    const doorKey = `door:${door.device.id}`;
    const waitAddress = addressKey === null ? 0 : await this.#o.limits.perAddress.wait(addressKey);
    if (waitAddress > 0)
      throw new RateLimitedError(waitAddress, `Please wait ${waitAddress} s before ringing again.`);
    const waitDoor = await this.#o.limits.perDoor.wait(doorKey);
    if (waitDoor > 0)
      throw new RateLimitedError(waitDoor, `This door was just rung. Please wait ${waitDoor} s.`);
    if (addressKey !== null) await this.#o.limits.perAddress.take(addressKey);
    await this.#o.limits.perDoor.take(doorKey);
    const recipients = await this.#o.recipients(door.device.siteId, door.device.id);
    const call = new Call({
      id: randomUUID(),
      siteId: door.device.siteId,
      doorId: door.device.id,
      doorName: displayName(door),
      via,
      startedAt: now,
      ringWindowMs: door.settings.ringWindowSeconds * 1000,
      recipients,
      quickReplies: door.settings.quickReplies,
      canUnlock: this.#o.doors.unlockTarget(door) !== null,
    });
    // Other nodes forward this call's operations here while it lives. Owned before its row
    // exists, so an open row without an owner is an orphan (see OrphanCallSweep).
    await this.#router?.own(call.id, call.ringWindowMs + this.#o.maxCallMs + 60_000);
    await this.#o.calls.create(this.#row(call));
    this.#live.set(call.id, call);
    this.#arm(call, call.ringWindowMs, () => void this.#end(call, 'missed', 'nobody answered'));
    const view = this.view(call);
    this.#o.notifier.toAccounts(recipients, 'callRinging', { call: view });
    this.safeEmit('ringing', view, [...recipients]);
    logger.info('ringing', { callId: call.id, doorId: call.doorId, recipients: recipients.length });
    return call;
  }

  /** A live call, or NOT_FOUND. */
  live(callId: string): Call {
    const call = this.#live.get(callId);
    if (!call) throw PorchlightError.conflict('the call has ended');
    return call;
  }

  /** The homeowner's view of a call, live or from the history; null when unknown. */
  async find(callId: string): Promise<CallView | null> {
    const call = this.#live.get(callId);
    if (call) return this.view(call);
    const owner = await this.#elsewhere(callId);
    if (owner) return this.#router!.forward.find(owner, callId);
    const row = await this.#o.calls.get(callId);
    if (!row) return null;
    let door: DoorRecord | null = null;
    try {
      door = await this.#o.doors.get(row.siteId, row.doorId);
    } catch {
      door = null;
    }
    return this.#rowView(row, door);
  }

  /** First answer wins; CONFLICT 'answered elsewhere' for every later one. */
  async answer(callId: string, by: AnsweredBy): Promise<CallView> {
    const owner = await this.#elsewhere(callId);
    if (owner) return this.#router!.forward.answer(owner, callId, by);
    const call = this.live(callId);
    call.answer(by, this.#o.now());
    this.#router?.changed(call.id, by.accountId, false);
    this.#arm(
      call,
      this.#o.maxCallMs,
      () => void this.#end(call, 'answered', 'maximum call duration reached'),
    );
    const view = this.view(call);
    // Everyone else stops ringing now; the database can follow.
    this.#o.notifier.toAccounts([...call.recipients], 'callUpdated', { call: view });
    this.#o.notifier.toVisitor(call.id, 'callAnswered', {
      callId: call.id,
      answeredBy: { name: by.name },
    });
    this.safeEmit('answered', view, by, [...call.recipients]);
    await this.#o.calls.update(call.id, { answeredBy: by, answeredAt: call.answeredAt });
    return view;
  }

  /** One account declines: its devices stop; the call ends when every recipient declined. */
  async decline(callId: string, accountId: string): Promise<CallView> {
    const owner = await this.#elsewhere(callId);
    if (owner) return this.#router!.forward.decline(owner, callId, accountId);
    const call = this.live(callId);
    const everyone = call.decline(accountId);
    if (everyone) {
      await this.#end(call, 'declined', 'declined');
      return this.view(call);
    }
    const view = this.view(call);
    this.#o.notifier.toAccounts([accountId], 'callUpdated', {
      call: view,
      declinedBy: { accountId },
    });
    return view;
  }

  /** The answerer hangs up (FORBIDDEN for anyone else once answered). */
  async hangUp(callId: string, accountId: string): Promise<CallView> {
    const owner = await this.#elsewhere(callId);
    if (owner) return this.#router!.forward.hangUp(owner, callId, accountId);
    const call = this.live(callId);
    if (call.state !== 'answered')
      throw PorchlightError.conflict('the call is not answered: decline it instead');
    if (call.answeredBy?.accountId !== accountId)
      throw PorchlightError.forbidden('only the answerer hangs up');
    await this.#end(call, 'answered', 'hung up');
    return this.view(call);
  }

  /** The visitor leaves: cancels a ringing call, ends an answered one. */
  async visitorHangUp(callId: string): Promise<VisitorCall> {
    const owner = await this.#elsewhere(callId);
    if (owner) return this.#router!.forward.visitorHangUp(owner, callId);
    const call = this.#live.get(callId);
    if (call) await this.#end(call, call.outcomeIfEndedNow('cancelled'), 'visitor left');
    return this.visitorView(call ?? this.live(callId));
  }

  /** A text on the door screen: any recipient while ringing, the answerer once answered. */
  async quickReply(callId: string, accountId: string, text: string): Promise<{ sentAt: number }> {
    const owner = await this.#elsewhere(callId);
    if (owner) return this.#router!.forward.quickReply(owner, callId, accountId, text);
    const call = this.live(callId);
    if (call.state === 'answered' && call.answeredBy?.accountId !== accountId)
      throw PorchlightError.forbidden('only the answerer sends quick replies');
    const sentAt = this.#o.now();
    const replyId = call.addReply(text);
    this.#o.notifier.toVisitor(call.id, 'quickReply', { callId: call.id, text, sentAt, replyId });
    return { sentAt };
  }

  /** The text of a quick reply sent in this live call; NOT_FOUND for any other. */
  async replyText(callId: string, replyId: string): Promise<string> {
    const owner = await this.#elsewhere(callId);
    if (owner) return this.#router!.forward.replyText(owner, callId, replyId);
    const text = this.#live.get(callId)?.reply(replyId);
    if (text === undefined) throw PorchlightError.notFound('quick reply');
    return text;
  }

  /** The answerer opens the door through the webhook (CONFLICT when none is configured). */
  async unlock(callId: string, by: { accountId: string; name: string }): Promise<UnlockResult> {
    const owner = await this.#elsewhere(callId);
    if (owner) return this.#router!.forward.unlock(owner, callId, by);
    const call = this.live(callId);
    if (call.state !== 'answered')
      throw PorchlightError.conflict('answer the call before unlocking');
    if (call.answeredBy?.accountId !== by.accountId)
      throw PorchlightError.forbidden('only the answerer may unlock');
    const door = await this.#o.doors.get(call.siteId, call.doorId);
    const target = this.#o.doors.unlockTarget(door);
    if (!target) throw PorchlightError.conflict('no unlock webhook is configured for this door');
    return callUnlockWebhook(
      { ...target, doorId: call.doorId, callId: call.id, by, at: this.#o.now() },
      this.#o.fetchImpl,
    );
  }

  /** A signed `event: "test"` request to the door's webhook (from its settings, no call). */
  async testUnlock(
    siteId: string,
    doorId: string,
    by: { accountId: string; name: string },
  ): Promise<UnlockResult> {
    const door = await this.#o.doors.get(siteId, doorId);
    const target = this.#o.doors.unlockTarget(door);
    if (!target) throw PorchlightError.conflict('no unlock webhook is configured for this door');
    return callUnlockWebhook(
      { ...target, event: 'test', doorId, callId: null, by, at: this.#o.now() },
      this.#o.fetchImpl,
    );
  }

  /** The visitor's snapshot (once per call). */
  async snapshot(callId: string, jpeg: Buffer): Promise<string> {
    const owner = await this.#elsewhere(callId);
    if (owner) return this.#router!.forward.snapshot(owner, callId, jpeg);
    const call = this.live(callId);
    if (call.snapshotRef !== null) throw PorchlightError.conflict('the snapshot was already sent');
    call.snapshotRef = await this.#o.snapshots.put(call.id, jpeg);
    await this.#o.calls.update(call.id, { snapshotRef: call.snapshotRef });
    const view = this.view(call);
    const url = view.snapshotUrl!;
    if (call.live) {
      this.#o.notifier.toAccounts([...call.recipients], 'callUpdated', { call: view });
      this.safeEmit('snapshot', view, url, [...call.recipients]);
    }
    return url;
  }

  /** Whether `accountId` answered this live call (may talk in its room). */
  isAnswerer(callId: string, accountId: string | undefined): boolean {
    const call = this.#live.get(callId);
    if (!call && accountId !== undefined && this.#router)
      return this.#router.isRemoteAnswerer(callId, accountId);
    return (
      accountId !== undefined &&
      call?.state === 'answered' &&
      call.answeredBy?.accountId === accountId
    );
  }

  visitorView(call: Call): VisitorCall {
    return {
      callId: call.id,
      doorName: call.doorName,
      state: call.state,
      outcome: call.outcome,
      startedAt: call.startedAt,
      ringWindowMs: call.ringWindowMs,
      answeredByName: call.answeredBy?.name ?? null,
    };
  }

  /** The visitor's view of a call, live or ended (from the history); null when unknown. */
  async visitorFind(callId: string): Promise<VisitorCall | null> {
    const call = this.#live.get(callId);
    if (call) return this.visitorView(call);
    const owner = await this.#elsewhere(callId);
    if (owner) return this.#router!.forward.visitorFind(owner, callId);
    const v = await this.find(callId);
    if (!v) return null;
    return {
      callId: v.callId,
      doorName: v.doorName,
      state: v.state,
      outcome: v.outcome,
      startedAt: v.startedAt,
      ringWindowMs: v.ringWindowMs,
      answeredByName: v.answeredBy?.name ?? null,
    };
  }

  view(call: Call): CallView {
    return {
      callId: call.id,
      siteId: call.siteId,
      doorId: call.doorId,
      doorName: call.doorName,
      state: call.state,
      outcome: call.outcome,
      startedAt: call.startedAt,
      ringWindowMs: call.ringWindowMs,
      answeredAt: call.answeredAt,
      endedAt: call.endedAt,
      answeredBy: call.answeredBy,
      snapshotUrl: call.snapshotRef !== null ? this.#snapshotUrl(call.id) : null,
      via: call.via,
      quickReplies: [...call.quickReplies],
      canUnlock: call.canUnlock,
    };
  }

  /**
   * The visitor of a missed call starts a message (its credential still valid): CONFLICT for any
   * other outcome, a message already left or in progress; the server stops it at the cap.
   */
  async startMessage(callId: string): Promise<{ startedAt: number; maxSeconds: number }> {
    if (this.#closed) throw PorchlightError.unavailable('server shutting down');
    const recorder = this.#o.messages;
    if (!recorder) throw PorchlightError.unavailable('video messages are not available');
    if (this.#messages.has(callId)) throw PorchlightError.conflict('a message is being recorded');
    const row = await this.#o.calls.get(callId);
    if (!row) throw PorchlightError.notFound('call');
    if (row.outcome !== 'missed')
      throw PorchlightError.conflict('a message can be left only after a missed call');
    if (row.messageRef !== null) throw PorchlightError.conflict('a message was already left');
    if (this.#messages.has(callId)) throw PorchlightError.conflict('a message is being recorded');
    const startedAt = this.#o.now();
    const message: ActiveMessage = {
      siteId: row.siteId,
      doorId: row.doorId,
      startedAt,
      recording: recorder.start({
        callId,
        siteId: row.siteId,
        doorId: row.doorId,
        retentionMaxAgeSeconds: this.#o.messageRetentionSeconds,
        onLeave: () => void this.stopMessage(callId).catch(() => undefined),
      }),
      timer: this.#timers.set(
        () => void this.stopMessage(callId).catch(() => undefined),
        this.#o.maxMessageMs,
      ),
    };
    this.#messages.set(callId, message);
    try {
      await message.recording;
    } catch (error) {
      this.#timers.clear(message.timer);
      this.#messages.delete(callId);
      throw error;
    }
    logger.info('message started', { callId });
    return { startedAt, maxSeconds: Math.floor(this.#o.maxMessageMs / 1000) };
  }

  /** Whether a message is being recorded for the call (its visitor may re-join the room). */
  messageRoom(callId: string): { siteId: string; doorId: string } | null {
    const m = this.#messages.get(callId);
    return m && !m.stopping ? { siteId: m.siteId, doorId: m.doorId } : null;
  }

  /**
   * Stops the call's message (the visitor, its leaving, or the cap), files it in the history and
   * tells the homeowners. Idempotent while stopping; CONFLICT when none is being recorded.
   */
  stopMessage(callId: string): Promise<{ durationSeconds: number }> {
    const m = this.#messages.get(callId);
    if (!m) return Promise.reject(PorchlightError.conflict('no message is being recorded'));
    m.stopping ??= (async () => {
      this.#timers.clear(m.timer);
      try {
        const recording = await m.recording;
        const { durationMs, from, to } = await recording.stop();
        this.#o.rooms.closeCallRoom(callId);
        const ref = formatMessageRef({ stream: recording.streamKey, durationMs, from, to });
        await this.#o.calls.update(callId, { messageRef: ref });
        const view = await this.find(callId);
        if (view && durationMs > 0) {
          const recipients = await this.#o.recipients(view.siteId, view.doorId);
          this.#o.notifier.toAccounts(recipients, 'callUpdated', { call: view });
          this.safeEmit('message', view, `${this.#o.publicUrl()}/calls/${callId}`, recipients);
        }
        logger.info('message left', { callId, durationMs });
        return { durationSeconds: Math.round(durationMs / 100) / 10 };
      } finally {
        this.#messages.delete(callId);
      }
    })();
    return m.stopping;
  }

  /** Ends every live call (shutdown). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const callId of [...this.#messages.keys()])
      await this.stopMessage(callId).catch(() => undefined);
    for (const call of [...this.#live.values()]) {
      await this.#end(call, call.outcomeIfEndedNow('missed'), 'server shutting down');
    }
  }

  /** Ends a door's live calls (the door was removed). */
  async endCallsOfDoor(doorId: string): Promise<void> {
    for (const call of [...this.#live.values()])
      if (call.doorId === doorId)
        await this.#end(call, call.outcomeIfEndedNow('cancelled'), 'door removed');
  }

  #snapshotUrl(callId: string): string {
    return `${this.#o.publicUrl()}${this.#o.snapshots.signedPath(callId)}`;
  }

  #rowView(row: CallRow, door: DoorRecord | null): CallView {
    return {
      callId: row.id,
      siteId: row.siteId,
      doorId: row.doorId,
      doorName: door ? displayName(door) : 'Door',
      state: row.outcome === null ? (row.answeredAt === null ? 'ringing' : 'answered') : 'ended',
      outcome: row.outcome,
      startedAt: row.startedAt,
      ringWindowMs: row.ringWindowMs,
      answeredAt: row.answeredAt,
      endedAt: row.endedAt,
      answeredBy: row.answeredBy,
      snapshotUrl: row.snapshotRef !== null ? this.#snapshotUrl(row.id) : null,
      via: row.via,
      quickReplies: door ? door.settings.quickReplies : [],
      canUnlock: door ? this.#o.doors.unlockTarget(door) !== null : false,
    };
  }

  /**
   * A history row's record view (for listCalls); `messageUrl` signs a message's stream for the
   * caller (null when it may not watch recordings of the door).
   */
  recordOf(
    row: CallRow,
    messageUrl: (m: { stream: string; from: number; to: number }) => string | null = () => null,
  ): {
    callId: string;
    doorId: string;
    startedAt: number;
    outcome: CallRow['outcome'];
    answeredBy: CallRow['answeredBy'];
    durationSeconds: number;
    snapshotUrl: string | null;
    messageUrl: string | null;
    messageSeconds: number | null;
    via: CallRow['via'];
  } {
    const message = parseMessageRef(row.messageRef);
    return {
      callId: row.id,
      doorId: row.doorId,
      startedAt: row.startedAt,
      outcome: row.outcome,
      answeredBy: row.answeredBy,
      durationSeconds: row.durationSeconds,
      snapshotUrl: row.snapshotRef !== null ? this.#snapshotUrl(row.id) : null,
      messageUrl: message && message.durationMs > 0 ? messageUrl(message) : null,
      messageSeconds: message ? Math.round(message.durationMs / 100) / 10 : null,
      via: row.via,
    };
  }

  #arm(call: Call, ms: number, fn: () => void): void {
    const previous = this.#timer.get(call.id);
    if (previous !== undefined) this.#timers.clear(previous);
    this.#timer.set(call.id, this.#timers.set(fn, ms));
  }

  async #end(call: Call, outcome: CallView['outcome'] & string, reason: EndReason): Promise<void> {
    if (!call.end(outcome, reason, this.#o.now())) return;
    const handle = this.#timer.get(call.id);
    if (handle !== undefined) this.#timers.clear(handle);
    this.#timer.delete(call.id);
    this.#live.delete(call.id);
    const view = this.view(call);
    this.#announceEnd(view, call.answeredBy?.accountId ?? null, [...call.recipients], reason);
    logger.info('call ended', { callId: call.id, outcome, reason });
    try {
      await this.#o.calls.update(call.id, {
        outcome,
        endedAt: call.endedAt,
        durationSeconds: call.durationSeconds,
      });
    } catch (error) {
      logger.warn('could not record the end of a call', { callId: call.id, error });
    }
    // Released after the row is closed: an open row without an owner is an orphan.
    this.#router?.release(call.id);
  }

  /**
   * Ends a call whose owner node died (cluster mode): its Call, timers and the visitor's room
   * died with that node, so it cannot go on ringing. A ringing call ends missed (push "missed
   * call"; the visitor may leave a message), an answered one ends answered at the time of the
   * takeover; both with reason 'connection lost'. The row is closed only if still open, so of two
   * nodes sweeping at once only one tells anybody. Returns whether this node ended it.
   */
  async endOrphan(row: CallRow): Promise<boolean> {
    if (row.outcome !== null || this.#live.has(row.id)) return false;
    const now = this.#o.now();
    const outcome = row.answeredAt !== null ? 'answered' : 'missed';
    const durationSeconds =
      row.answeredAt !== null ? Math.max(0, Math.round((now - row.answeredAt) / 1000)) : 0;
    const closed = await this.#o.calls.endIfOpen(row.id, {
      outcome,
      endedAt: now,
      durationSeconds,
    });
    if (!closed) return false;
    const ended: CallRow = { ...row, outcome, endedAt: now, durationSeconds };
    const door = await this.#o.doors.get(row.siteId, row.doorId).catch(() => null);
    const recipients = await this.#o.recipients(row.siteId, row.doorId).catch(() => []);
    this.#announceEnd(this.#rowView(ended, door), null, recipients, 'connection lost');
    this.#router?.release(row.id);
    logger.warn('call of a dead node ended', { callId: row.id, outcome });
    return true;
  }

  /** Tells every node, the homeowners and the visitor that a call ended; closes its room. */
  #announceEnd(
    view: CallView,
    answerer: string | null,
    recipients: string[],
    reason: EndReason,
  ): void {
    const outcome = view.outcome!;
    this.#router?.changed(view.callId, answerer, true);
    this.#o.notifier.toAccounts(recipients, 'callUpdated', { call: view });
    this.#o.notifier.toVisitor(view.callId, 'callEnded', { callId: view.callId, outcome, reason });
    this.#o.rooms.closeCallRoom(view.callId);
    this.safeEmit('ended', view, recipients);
  }

  #row(call: Call): CallRow {
    return {
      id: call.id,
      siteId: call.siteId,
      doorId: call.doorId,
      via: call.via,
      startedAt: call.startedAt,
      ringWindowMs: call.ringWindowMs,
      outcome: null,
      answeredBy: null,
      answeredAt: null,
      endedAt: null,
      durationSeconds: 0,
      snapshotRef: null,
      messageRef: null,
    };
  }
}
