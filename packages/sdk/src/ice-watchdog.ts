import type { types } from 'mediasoup-client';
import type { IcePolicy } from './defaults.ts';

/**
 * Restarts ICE on one transport when its connection breaks: at once on 'failed', after a grace
 * period on 'disconnected' (which often heals alone), and again periodically while a restart
 * has not brought it back. Stops when the transport closes or `dispose()` is called.
 */
export class IceWatchdog {
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private restarting = false;
  private disposed = false;

  constructor(
    private readonly transport: types.Transport,
    /** Asks the server for new ICE parameters and applies them locally. */
    private readonly restart: () => Promise<void>,
    private readonly policy: IcePolicy,
    private readonly onError: (error: unknown) => void,
  ) {
    transport.on('connectionstatechange', this.onStateChange);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clearTimers();
    this.transport.off('connectionstatechange', this.onStateChange);
  }

  private readonly onStateChange = (state: types.ConnectionState): void => {
    if (this.disposed) return;
    switch (state) {
      case 'connected':
        this.clearTimers();
        break;
      case 'disconnected':
        this.graceTimer ??= setTimeout(() => {
          this.graceTimer = undefined;
          if (this.isBroken()) void this.restartNow();
        }, this.policy.disconnectedGraceMs);
        break;
      case 'failed':
        void this.restartNow();
        break;
      case 'closed':
        this.dispose();
        break;
      default:
        break;
    }
  };

  private isBroken(): boolean {
    const state = this.transport.connectionState;
    return !this.transport.closed && (state === 'disconnected' || state === 'failed');
  }

  private async restartNow(): Promise<void> {
    if (this.restarting || this.disposed || this.transport.closed) return;
    this.restarting = true;
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    try {
      await this.restart();
    } catch (error) {
      if (!this.disposed && !this.transport.closed) this.onError(error);
    } finally {
      this.restarting = false;
    }
    if (this.disposed) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (
        !this.disposed &&
        this.transport.connectionState !== 'connected' &&
        !this.transport.closed
      ) {
        void this.restartNow();
      }
    }, this.policy.restartRetryMs);
  }

  private clearTimers(): void {
    clearTimeout(this.graceTimer);
    clearTimeout(this.retryTimer);
    this.graceTimer = undefined;
    this.retryTimer = undefined;
  }
}
