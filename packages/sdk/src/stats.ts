/**
 * Turns RTCStatsReports of the client's transports into one small summary. Counters are
 * cumulative for the client's lifetime: streams that disappear (a transport torn down by a media
 * reset, a closed consumer) are folded into a base, so values never go backwards and "is video
 * still flowing?" checks can compare two samples across a media reset.
 */

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/** Cumulative media counters of a client (`getStats()`), summed over its transports; they never go backwards, across reconnects too. */
export interface ClientStats {
  /** Inbound video, summed over every consumer. */
  video: {
    framesDecoded: number;
    /** Of the largest inbound video stream. */
    framesPerSecond?: number;
    frameWidth?: number;
    frameHeight?: number;
    bytesReceived: number;
  };
  /** Inbound audio, summed over every consumer. */
  audio: {
    totalAudioEnergy: number;
    /** Loudest current inbound audio level (0..1). */
    audioLevel?: number;
    bytesReceived: number;
  };
  /** Outbound media, summed over every producer (and simulcast layer). */
  outbound: {
    bytesSent: number;
    framesEncoded?: number;
  };
  /** Local candidate type of the selected ICE pair (receive transport first, else send). */
  candidatePairType?: CandidateType;
  /** For a relayed pair: how this client reaches the TURN server ('udp' | 'tcp' | 'tls'). */
  relayProtocol?: string;
}

/** The part of RTCStatsReport used here (also matches Map-based reports of Node WebRTC ports). */
export interface StatsReportLike {
  forEach(callback: (stat: Record<string, unknown>) => void): void;
}

export interface LabelledReport {
  /** Unique per transport ever created, so stat ids of different transports never collide. */
  transportId: string;
  report: StatsReportLike;
}

interface Counters {
  framesDecoded: number;
  videoBytesReceived: number;
  totalAudioEnergy: number;
  audioBytesReceived: number;
  bytesSent: number;
  framesEncoded: number;
}

const COUNTER_KEYS: readonly (keyof Counters)[] = [
  'framesDecoded',
  'videoBytesReceived',
  'totalAudioEnergy',
  'audioBytesReceived',
  'bytesSent',
  'framesEncoded',
];

function zero(): Counters {
  return {
    framesDecoded: 0,
    videoBytesReceived: 0,
    totalAudioEnergy: 0,
    audioBytesReceived: 0,
    bytesSent: 0,
    framesEncoded: 0,
  };
}

function add(into: Counters, from: Counters): void {
  for (const key of COUNTER_KEYS) into[key] += from[key];
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function kindOf(stat: Record<string, unknown>): unknown {
  // `mediaType` is the pre-2020 spelling still used by some Node WebRTC builds.
  return stat['kind'] ?? stat['mediaType'];
}

/** Instantaneous values plus per-stream counters of one sampling. */
export interface Sample {
  counters: Map<string, Counters>;
  videos: { fps?: number; width?: number; height?: number }[];
  audioLevels: number[];
  hasOutboundVideo: boolean;
  candidatePairType?: CandidateType;
  relayProtocol?: string;
}

function selectedLocalCandidate(
  stats: Map<string, Record<string, unknown>>,
): { type: CandidateType; relayProtocol?: string } | undefined {
  let pair: Record<string, unknown> | undefined;
  for (const stat of stats.values()) {
    if (stat['type'] === 'transport' && typeof stat['selectedCandidatePairId'] === 'string') {
      pair = stats.get(stat['selectedCandidatePairId']);
      if (pair) break;
    }
  }
  if (!pair) {
    for (const stat of stats.values()) {
      if (stat['type'] !== 'candidate-pair') continue;
      // Firefox flags `selected`; Chrome without a transport stat: nominated + succeeded.
      if (
        stat['selected'] === true ||
        (stat['nominated'] === true && stat['state'] === 'succeeded')
      ) {
        pair = stat;
        break;
      }
    }
  }
  const localId = pair?.['localCandidateId'];
  const local = typeof localId === 'string' ? stats.get(localId) : undefined;
  const type = local?.['candidateType'];
  if (type !== 'host' && type !== 'srflx' && type !== 'prflx' && type !== 'relay') return undefined;
  const relayProtocol = local?.['relayProtocol'];
  return typeof relayProtocol === 'string' ? { type, relayProtocol } : { type };
}

/** Extracts what we need from the reports, in order (receive transport first). */
export function sampleReports(reports: readonly LabelledReport[]): Sample {
  const sample: Sample = {
    counters: new Map(),
    videos: [],
    audioLevels: [],
    hasOutboundVideo: false,
  };
  for (const { transportId, report } of reports) {
    const byId = new Map<string, Record<string, unknown>>();
    report.forEach((stat) => {
      if (typeof stat['id'] === 'string') byId.set(stat['id'], stat);
    });
    for (const [id, stat] of byId) {
      const key = `${transportId}/${id}`;
      const counters = zero();
      const kind = kindOf(stat);
      if (stat['type'] === 'inbound-rtp' && kind === 'video') {
        counters.framesDecoded = num(stat['framesDecoded']) ?? 0;
        counters.videoBytesReceived = num(stat['bytesReceived']) ?? 0;
        const video: Sample['videos'][number] = {};
        const fps = num(stat['framesPerSecond']);
        const width = num(stat['frameWidth']);
        const height = num(stat['frameHeight']);
        if (fps !== undefined) video.fps = fps;
        if (width !== undefined) video.width = width;
        if (height !== undefined) video.height = height;
        sample.videos.push(video);
      } else if (stat['type'] === 'inbound-rtp' && kind === 'audio') {
        counters.totalAudioEnergy = num(stat['totalAudioEnergy']) ?? 0;
        counters.audioBytesReceived = num(stat['bytesReceived']) ?? 0;
        const level = num(stat['audioLevel']);
        if (level !== undefined) sample.audioLevels.push(level);
      } else if (stat['type'] === 'outbound-rtp') {
        counters.bytesSent = num(stat['bytesSent']) ?? 0;
        if (kind === 'video') {
          counters.framesEncoded = num(stat['framesEncoded']) ?? 0;
          sample.hasOutboundVideo = true;
        }
      } else {
        continue;
      }
      sample.counters.set(key, counters);
    }
    if (sample.candidatePairType === undefined) {
      const local = selectedLocalCandidate(byId);
      if (local !== undefined) sample.candidatePairType = local.type;
      if (local?.relayProtocol !== undefined) sample.relayProtocol = local.relayProtocol;
    }
  }
  return sample;
}

/** Keeps counters monotonic across streams that come and go. */
export class StatsAccumulator {
  private last = new Map<string, Counters>();
  private readonly base = zero();
  private sawOutboundVideo = false;

  summarize(sample: Sample): ClientStats {
    for (const [key, previous] of this.last) {
      const current = sample.counters.get(key);
      // Gone, or restarted from zero under the same id: its last values are history now.
      if (!current || COUNTER_KEYS.some((k) => current[k] < previous[k])) add(this.base, previous);
    }
    this.last = new Map(sample.counters);
    this.sawOutboundVideo ||= sample.hasOutboundVideo;

    const total = zero();
    add(total, this.base);
    for (const counters of sample.counters.values()) add(total, counters);

    const stats: ClientStats = {
      video: { framesDecoded: total.framesDecoded, bytesReceived: total.videoBytesReceived },
      audio: { totalAudioEnergy: total.totalAudioEnergy, bytesReceived: total.audioBytesReceived },
      outbound: { bytesSent: total.bytesSent },
    };
    const largest = sample.videos.reduce<Sample['videos'][number] | undefined>(
      (best, v) =>
        !best || (v.width ?? 0) * (v.height ?? 0) > (best.width ?? 0) * (best.height ?? 0)
          ? v
          : best,
      undefined,
    );
    if (largest?.fps !== undefined) stats.video.framesPerSecond = largest.fps;
    if (largest?.width !== undefined) stats.video.frameWidth = largest.width;
    if (largest?.height !== undefined) stats.video.frameHeight = largest.height;
    if (sample.audioLevels.length > 0) stats.audio.audioLevel = Math.max(...sample.audioLevels);
    if (this.sawOutboundVideo) stats.outbound.framesEncoded = total.framesEncoded;
    if (sample.candidatePairType !== undefined) stats.candidatePairType = sample.candidatePairType;
    if (sample.relayProtocol !== undefined) stats.relayProtocol = sample.relayProtocol;
    return stats;
  }
}
