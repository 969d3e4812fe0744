/**
 * Errors of encryption at rest. Messages name key ids at most, never key bytes, so they can be
 * logged and shown.
 */

/** Wrong key, tampered or truncated bytes, or wrong associated data (object swapped). */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
  readonly code = 'DECRYPT_FAILED';
  constructor(message = 'cannot decrypt: authentication failed') {
    super(message);
  }
}

/** No key with this id is known (data key not in the index, master key not in the ring). */
export class KeyUnavailableError extends Error {
  override readonly name = 'KeyUnavailableError';
  readonly code = 'KEY_UNAVAILABLE';
  constructor(readonly keyId: string) {
    super(`key ${JSON.stringify(keyId)} is not available`);
  }
}

/** The master keys given through env or the key file are unusable. */
export class MasterKeyConfigError extends Error {
  override readonly name = 'MasterKeyConfigError';
  readonly code = 'KEY_CONFIG_INVALID';
}
