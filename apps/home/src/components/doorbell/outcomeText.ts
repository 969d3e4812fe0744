import type { CallOutcome } from '@porchlight/protocol';

/** What the visitor reads when the call is over. */
export function visitorOutcomeText(outcome: CallOutcome): string {
  switch (outcome) {
    case 'missed':
      return 'No answer';
    case 'declined':
      return 'The household cannot come to the door right now';
    case 'answered':
      return 'Call ended';
    case 'cancelled':
      return 'Call cancelled';
  }
}
