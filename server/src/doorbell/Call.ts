import type { AnsweredBy, CallOutcome, CallState } from '@porchlight/protocol';
import { PorchlightError } from '../errors.ts';

export interface CallInit {
  id: string;
  siteId: string;
  doorId: string;
  doorName: string;
  via: 'link' | 'doorbell';
  startedAt: number;
  ringWindowMs: number;
  /** Accounts that may answer: they ring. */
  recipients: readonly string[];
  quickReplies: readonly string[];
  canUnlock: boolean;
}

/** Quick replies a call remembers (for their speech). */
const MAX_REPLIES = 20;

/** Why a call ended, as told to the visitor. */
export type EndReason =
  | 'hung up'
  | 'visitor left'
  | 'nobody answered'
  | 'declined'
  | 'maximum call duration reached'
  | 'door removed'
  | 'server shutting down'
  /** The call's node died (cluster mode): ended by another node. */
  | 'connection lost';

/**
 * One doorbell call: ringing -> answered -> ended, or ringing -> ended (missed, declined,
 * cancelled). Transitions are synchronous, so within the one server process the first answer wins
 * and every later one is refused. Pure state: timers and persistence are the CallService's.
 */
export class Call {
  readonly id: string;
  readonly siteId: string;
  readonly doorId: string;
  readonly doorName: string;
  readonly via: 'link' | 'doorbell';
  readonly startedAt: number;
  readonly ringWindowMs: number;
  readonly recipients: ReadonlySet<string>;
  readonly quickReplies: readonly string[];
  readonly canUnlock: boolean;
  #state: CallState = 'ringing';
  #outcome: CallOutcome | null = null;
  #answeredBy: AnsweredBy | null = null;
  #answeredAt: number | null = null;
  #endedAt: number | null = null;
  #endReason: EndReason | null = null;
  readonly #declined = new Set<string>();
  /** Quick replies sent in this call, by id (the door fetches their speech by id). */
  readonly #replies = new Map<string, string>();
  #replyCount = 0;
  snapshotRef: string | null = null;

  constructor(init: CallInit) {
    this.id = init.id;
    this.siteId = init.siteId;
    this.doorId = init.doorId;
    this.doorName = init.doorName;
    this.via = init.via;
    this.startedAt = init.startedAt;
    this.ringWindowMs = init.ringWindowMs;
    this.recipients = new Set(init.recipients);
    this.quickReplies = init.quickReplies;
    this.canUnlock = init.canUnlock;
  }

  get state(): CallState {
    return this.#state;
  }
  get outcome(): CallOutcome | null {
    return this.#outcome;
  }
  get answeredBy(): AnsweredBy | null {
    return this.#answeredBy;
  }
  get answeredAt(): number | null {
    return this.#answeredAt;
  }
  get endedAt(): number | null {
    return this.#endedAt;
  }
  get endReason(): EndReason | null {
    return this.#endReason;
  }
  get live(): boolean {
    return this.#state !== 'ended';
  }
  /** Seconds between answer and end (0 when never answered). */
  get durationSeconds(): number {
    if (this.#answeredAt === null) return 0;
    return Math.max(0, Math.round(((this.#endedAt ?? this.#answeredAt) - this.#answeredAt) / 1000));
  }

  hasDeclined(accountId: string): boolean {
    return this.#declined.has(accountId);
  }

  /** Records a quick reply sent in this call; returns its id. Keeps the last MAX_REPLIES. */
  addReply(text: string): string {
    const id = `r${++this.#replyCount}`;
    this.#replies.set(id, text);
    if (this.#replies.size > MAX_REPLIES) this.#replies.delete(this.#replies.keys().next().value!);
    return id;
  }

  /** The text of a quick reply sent in this call, or undefined. */
  reply(id: string): string | undefined {
    return this.#replies.get(id);
  }

  /** CONFLICT unless ringing: 'answered elsewhere' when someone was first. */
  answer(by: AnsweredBy, at: number): void {
    if (this.#state === 'answered') throw PorchlightError.conflict('answered elsewhere');
    if (this.#state === 'ended') throw PorchlightError.conflict('the call has ended');
    this.#state = 'answered';
    this.#answeredBy = by;
    this.#answeredAt = at;
  }

  /** Records one account's decline; true when every recipient has now declined. */
  decline(accountId: string): boolean {
    if (this.#state !== 'ringing') throw PorchlightError.conflict('the call is no longer ringing');
    this.#declined.add(accountId);
    return [...this.recipients].every((r) => this.#declined.has(r));
  }

  /** Ends the call once; later calls change nothing and return false. */
  end(outcome: CallOutcome, reason: EndReason, at: number): boolean {
    if (this.#state === 'ended') return false;
    this.#state = 'ended';
    this.#outcome = outcome;
    this.#endReason = reason;
    this.#endedAt = at;
    return true;
  }

  /** The outcome of ending now for a hang-up or a stop: answered once answered, else `ringing`. */
  outcomeIfEndedNow(ringing: CallOutcome): CallOutcome {
    return this.#answeredAt !== null ? 'answered' : ringing;
  }
}
