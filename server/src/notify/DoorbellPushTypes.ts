import type { SendOutcome } from './PushSender.ts';

/**
 * What the push module needs of a doorbell call (the calls module's call view, declared here so
 * neither module imports the other; the composition root passes calls in).
 */
export interface DoorbellCall {
  callId: string;
  siteId: string;
  /** The doorbell device's id. */
  doorId: string;
  doorName: string;
  /** Unix ms the visitor rang. */
  startedAt: number;
  /** How long it rings before it is missed. */
  ringWindowMs: number;
  outcome?: 'answered' | 'missed' | 'declined' | 'cancelled' | null;
}

/** Who answered, for "Answered by <name> on <device>". */
export interface CallAnswerer {
  accountId: string;
  name: string;
  deviceLabel: string;
}

/** The calls module's side of a notification's Decline button. */
export interface DeclinePort {
  /** Declines the call for this account only (other devices keep ringing). */
  decline(callId: string, accountId: string): Promise<void>;
}

/** What one notification fan-out did, per subscription. */
export interface FanOutReport {
  /** Subscriptions a message was sent to, with what the push service said. */
  sent: {
    subscriptionId: string;
    accountId: string;
    outcome: SendOutcome;
  }[];
  /** Subscriptions left out by their settings. */
  skipped: { subscriptionId: string; reason: 'device' | 'quiet-hours' }[];
}
