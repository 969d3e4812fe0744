/** Errors the executors and repositories throw, each naming one failure so callers can tell them apart. */

/** A unique constraint was violated (e.g. a duplicate e-mail). */
export class DuplicateError extends Error {
  override readonly name = 'DuplicateError';
}

/** A method was called after `close()`. */
export class StoreClosedError extends Error {
  override readonly name = 'StoreClosedError';
  constructor(kind: string) {
    super(`${kind} store is closed`);
  }
}

/** A row refers to one that does not exist (a grant for an unknown account, a device of no site). */
export class MissingReferenceError extends Error {
  override readonly name = 'MissingReferenceError';
}

/** The database cannot be brought to this build's schema (e.g. it was migrated by a newer build). */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** The store's configuration is unusable: unknown URL scheme, illegal schema name. */
export class StoreConfigError extends Error {
  override readonly name = 'StoreConfigError';
}
