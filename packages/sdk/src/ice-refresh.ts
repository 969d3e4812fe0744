import type { IceServer } from '@porchlight/protocol';

/** What the refresher needs from the client. */
export interface IceRefreshHost {
  /** Asks the server for fresh ICE servers (getIceServers). */
  fetch(): Promise<{ iceServers: IceServer[]; expiresAt?: number }>;
  /** Whether `connection` is still the live socket connection (and the client is open). */
  current(connection: number): boolean;
  /** Fresh servers for the client and its live transports. */
  apply(iceServers: RTCIceServer[]): Promise<void>;
  onError(error: unknown): void;
}

/**
 * TURN credentials are short-lived: fetches fresh ones at ~80% of their lifetime (and at least
 * 5 s before expiry) and hands them to live transports, so relayed media never runs on dead ones.
 */
export class IceRefresher {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: IceRefreshHost) {}

  /** Plans the next refresh for the servers of `connection` that expire at `expiresAt`. */
  schedule(connection: number, expiresAt: number | undefined): void {
    this.stop();
    if (expiresAt === undefined || !this.host.current(connection)) return;
    const lifetime = expiresAt - Date.now();
    // A skewed clock can make the lifetime look negative: then retry within a minute.
    const delay = lifetime > 0 ? Math.max(1000, Math.min(lifetime * 0.8, lifetime - 5000)) : 60_000;
    this.timer = setTimeout(() => void this.refresh(connection), delay);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async refresh(connection: number): Promise<void> {
    if (!this.host.current(connection)) return;
    try {
      const r = await this.host.fetch();
      if (!this.host.current(connection)) return;
      await this.host.apply(r.iceServers.map(toRtcIceServer));
      this.schedule(connection, r.expiresAt);
    } catch (error) {
      this.host.onError(error);
      if (this.host.current(connection)) {
        this.timer = setTimeout(() => void this.refresh(connection), 5000);
      }
    }
  }
}

export function toRtcIceServer(server: IceServer): RTCIceServer {
  const rtc: RTCIceServer = { urls: server.urls };
  if (server.username !== undefined) rtc.username = server.username;
  if (server.credential !== undefined) rtc.credential = server.credential;
  return rtc;
}
