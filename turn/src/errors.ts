/** Named errors of the turn package: callers branch on `instanceof`, operators read `message`. */

/** Invalid TurnConfig options; `field` names the offending option. */
export class TurnConfigError extends Error {
  override name = 'TurnConfigError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`turn config: ${field}: ${message}`);
  }
}

/** The supervisor cannot do what was asked (binary missing, closed, rotation needs a restart). */
export class TurnSupervisorError extends Error {
  override name = 'TurnSupervisorError';
}

/** Bad input to credential minting. */
export class TurnCredentialsError extends Error {
  override name = 'TurnCredentialsError';
}
