/** Errors of the object storage backends (FileStorage, S3Storage). */

/** A key or prefix breaks the key rules of `validateKey`; thrown before any I/O. */
export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    // Keys can be long or hostile: show a bounded, quoted excerpt.
    const shown = key.length > 80 ? `${key.slice(0, 80)}…` : key;
    super(`invalid storage key ${JSON.stringify(shown)}: ${reason}`);
  }
}

/** `get` of a key that holds no object. */
export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
  constructor(readonly key: string) {
    super(`storage object ${JSON.stringify(key)} not found`);
  }
}

/** A backend failure (I/O error, S3 error, unreachable endpoint); the original is in `cause`. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly backend: 'fs' | 's3',
    readonly operation: string,
    detail: string,
    cause?: unknown,
  ) {
    super(
      `${backend} storage ${operation} failed: ${detail}`,
      cause === undefined ? {} : { cause },
    );
  }
}

/** Message of any thrown value for error details, with its errno code (`ECONNREFUSED: ...`). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  let message = error.message;
  // Node reports a refused dual-stack connect as an AggregateError with an empty message.
  if (message === '' && error instanceof AggregateError) {
    message = error.errors.map(describeError).join('; ');
  }
  if (message === '') message = error.name;
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
}
