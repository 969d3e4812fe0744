import type { PorchlightClient, Publication } from '@porchlight/sdk';
import { describeError, mediaDevices } from './errors.ts';

export interface TalkHooks {
  onTalkingTo(peerId: string | null): void;
  onMicError(message: string | null): void;
}

/**
 * Push-to-talk for one client. The first press toward a camera publishes a talkback track
 * (targeted at that camera); afterwards presses only resume/pause it, which is instant. Each
 * camera gets its own clone of one microphone track, so pausing one never mutes another.
 */
export class TalkController {
  private mic: Promise<MediaStreamTrack> | null = null;
  private readonly publications = new Map<string, Publication>();
  private readonly starting = new Set<string>();
  private readonly held = new Set<string>();
  private closed = false;

  constructor(
    private readonly client: PorchlightClient,
    private readonly hooks: TalkHooks,
  ) {}

  press(peerId: string): void {
    if (this.closed || this.held.has(peerId)) return;
    this.held.add(peerId);
    this.hooks.onTalkingTo(peerId);
    const publication = this.publications.get(peerId);
    if (publication && !publication.closed) {
      publication.resume().catch((error: unknown) => this.hooks.onMicError(describeError(error)));
    } else {
      void this.start(peerId);
    }
  }

  release(peerId: string): void {
    if (!this.held.delete(peerId)) return;
    this.hooks.onTalkingTo(this.held.values().next().value ?? null);
    const publication = this.publications.get(peerId);
    if (publication && !publication.closed) {
      publication.pause().catch((error: unknown) => this.hooks.onMicError(describeError(error)));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.held.clear();
    for (const publication of this.publications.values()) {
      publication.close();
      publication.track.stop();
    }
    this.publications.clear();
    void this.mic?.then(
      (track) => track.stop(),
      () => undefined,
    );
  }

  private async start(peerId: string): Promise<void> {
    // A second press while the first publish is in flight: start() converges on `held` at the end.
    if (this.starting.has(peerId)) return;
    this.starting.add(peerId);
    try {
      const mic = await this.micTrack();
      if (this.closed) return;
      const publication = await this.client.publish(mic.clone(), {
        source: 'talkback',
        targetPeerId: peerId,
        paused: !this.held.has(peerId),
      });
      if (this.closed) {
        publication.close();
        publication.track.stop();
        return;
      }
      this.publications.set(peerId, publication);
      // Released (or pressed again) while publishing.
      const wantLive = this.held.has(peerId);
      if (wantLive === publication.paused)
        await (wantLive ? publication.resume() : publication.pause());
      this.hooks.onMicError(null);
    } catch (error) {
      this.hooks.onMicError(describeError(error));
      this.release(peerId);
    } finally {
      this.starting.delete(peerId);
    }
  }

  private micTrack(): Promise<MediaStreamTrack> {
    this.mic ??= mediaDevices()
      .getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      })
      .then((stream) => {
        const [track] = stream.getAudioTracks();
        if (!track) throw new Error('No microphone track.');
        return track;
      });
    // A refused prompt must not be cached: the next press asks again.
    this.mic.catch(() => {
      this.mic = null;
    });
    return this.mic;
  }
}
