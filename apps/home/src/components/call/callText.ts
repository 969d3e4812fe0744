import type { CallView } from '@porchlight/protocol';

/** What a homeowner reads about a finished call. */
export function callEndedText(call: CallView): string {
  switch (call.outcome) {
    case 'answered':
      return call.answeredBy ? `Call ended (answered by ${call.answeredBy.name})` : 'Call ended';
    case 'missed':
      return 'Missed call';
    case 'declined':
      return 'Declined';
    case 'cancelled':
      return 'The visitor left before anyone answered';
    case null:
      return 'Call ended';
  }
}
