import { createLogger } from '@porchlight/runtime';
import type { TlsMaterial } from '../tls.ts';

const logger = createLogger('CertificateRenewal');

/** How often a long-running server checks its own certificate (default 12 h). */
export const RENEWAL_CHECK_MS = 12 * 3600 * 1000;

export interface CertificateRenewalOptions {
  /** The material the server started with. */
  current: TlsMaterial;
  /** Loads (renewing when due) the certificate again: loadTls with the same options. */
  reload: () => TlsMaterial;
  /** Swaps the certificate of the listening server for new connections. */
  apply: (material: TlsMaterial) => void;
  intervalMs?: number;
}

/**
 * Renews the local CA's server certificate while the server keeps running (it is otherwise only
 * checked at start, and lives 397 days): every `intervalMs` it reloads, and a new certificate is
 * applied to new connections. Open connections keep the old one. A failed check is logged and
 * retried at the next interval. close() is idempotent.
 */
export class CertificateRenewal {
  readonly #options: CertificateRenewalOptions;
  readonly #timer: NodeJS.Timeout;
  #cert: string;

  constructor(options: CertificateRenewalOptions) {
    this.#options = options;
    this.#cert = options.current.cert;
    this.#timer = setInterval(() => this.check(), options.intervalMs ?? RENEWAL_CHECK_MS);
    this.#timer.unref();
  }

  /** Reloads now; true when a new certificate was applied. */
  check(): boolean {
    try {
      const next = this.#options.reload();
      if (next.cert === this.#cert) return false;
      this.#options.apply(next);
      this.#cert = next.cert;
      logger.info('server certificate renewed; new connections use it');
      return true;
    } catch (error) {
      logger.error('certificate renewal failed; retrying later', { error });
      return false;
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
