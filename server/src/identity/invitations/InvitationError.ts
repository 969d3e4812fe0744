import { ErrorCode } from '@porchlight/protocol';
import { PorchlightError } from '../../errors.ts';

/** Why a link cannot be used: the page shows the message as it is. */
export type InvitationProblem = 'unknown' | 'used' | 'expired' | 'revoked';

/** An invitation link that does not (or no longer) work, with a message for its holder. */
export class InvitationError extends PorchlightError {
  override readonly name = 'InvitationError';

  constructor(
    readonly problem: InvitationProblem,
    invitedBy: string | null,
  ) {
    const ask = invitedBy ? `ask ${invitedBy} for a new one` : 'ask for a new one';
    const messages: Record<InvitationProblem, string> = {
      unknown: 'This invitation link is not valid: check that it was copied completely.',
      used: 'This invitation was already used.',
      expired: `This invitation expired: ${ask}.`,
      revoked: `This invitation was withdrawn: ${ask}.`,
    };
    super(problem === 'unknown' ? ErrorCode.NotFound : ErrorCode.Conflict, messages[problem]);
  }
}
